import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { TrackFailure } from '../core/errors.js';
import { HR } from '../core/hresult.js';

/**
 * Passes bytes through while hashing and counting them: the SHA-256 and size of a streamed
 * copy come for free, and a body over the limit, or shorter than announced, is stopped.
 */
export class HashingMeter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  failure: TrackFailure | undefined;

  constructor(
    private readonly maxBytes: number,
    private readonly expectedBytes?: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.failure = new TrackFailure(HR.E_FILE_TOO_LARGE, `source is over the ${this.maxBytes}-byte limit`);
      done(this.failure);
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.expectedBytes !== undefined && this.bytes !== this.expectedBytes) {
      this.failure = new TrackFailure(
        HR.E_DOWNLOAD_FAILURE,
        `origin sent ${this.bytes} of ${this.expectedBytes} bytes`,
        true,
      );
      done(this.failure);
      return;
    }
    done();
  }

  /** Hex SHA-256 of everything that passed; call once the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
