import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseContentRange, tokenizer, type IRangeRequestClient, type IRangeRequestResponse } from '@tokenizer/range';
import { parseBuffer, parseFromTokenizer, type IAudioMetadata } from 'music-metadata';
import type { TrackTags } from '../core/types.js';

export interface ReadTags extends TrackTags {
  /** music-metadata's container name (`MPEG`, `WAVE`, `FLAC`…), for the file extension. */
  readonly container?: string | undefined;
}

export interface ObjectFacts {
  readonly size: number;
  readonly contentType?: string | undefined;
  readonly tags: ReadTags;
}

/** One 64 KiB read usually covers ID3v2, FLAC and RIFF headers with their tags. */
const CHUNK = 64 * 1024;

export class SourceNotFoundError extends Error {
  override readonly name = 'SourceNotFoundError';
}

/**
 * Reads an object's size, type and tags where it lies in S3, with ranged GETs: the first one
 * answers size and type as well, so no HeadObject is needed, and only the header blocks (and,
 * for ID3v1 or APE, the tail) travel, never the whole file. Unreadable tags are not an error:
 * the file still lands, under fallback names.
 */
export async function readObjectFacts(s3: S3Client, bucket: string, key: string, onTagError?: (err: unknown) => void): Promise<ObjectFacts> {
  const client = new S3RangeClient(s3, bucket, key);
  // The tokenizer's own first read is [0, CHUNK] (it rounds up by a byte): ask for that, once.
  const first = await client.getResponse('GET', [0, CHUNK]);
  const facts = { size: first.size, contentType: first.mimeType };
  try {
    const tok = await tokenizer(client, { avoidHeadRequests: true, initialChunkSize: CHUNK, minimumChunkSize: CHUNK });
    try {
      return { ...facts, tags: toTags(await parseFromTokenizer(tok, { duration: false, skipCovers: true })) };
    } finally {
      await tok.close();
    }
  } catch (err) {
    // S3 failing (throttled, reset) is not an unreadable file: let the attempt be retried rather
    // than store the track, for good, under fallback names.
    if (client.readFailure) throw client.readFailure;
    onTagError?.(err);
    return { ...facts, tags: {} };
  }
}

/**
 * Tags from the head of a file still on its way in, to name it before it is uploaded: those a
 * file carries up front (ID3v2, FLAC, RIFF INFO). Undefined when the head does not tell.
 */
export async function tagsFromHead(head: Buffer, mimeType: string | undefined): Promise<ReadTags | undefined> {
  try {
    return toTags(await parseBuffer(head, mimeType ? { mimeType } : undefined, { duration: false, skipCovers: true }));
  } catch {
    return undefined;
  }
}

function toTags(meta: IAudioMetadata): ReadTags {
  const c = meta.common;
  return {
    title: clean(c.title),
    artist: clean(c.artist),
    albumArtist: clean(c.albumartist),
    album: clean(c.album),
    trackNumber: c.track.no ?? undefined,
    durationSeconds: meta.format.duration !== undefined ? Math.round(meta.format.duration * 1000) / 1000 : undefined,
    container: meta.format.container,
  };
}

function clean(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/**
 * Ranged GETs for the tokenizer. Every range fetched is kept, and a request inside one is
 * answered from memory: a file that fits in the first read costs one GET in all.
 */
class S3RangeClient implements IRangeRequestClient {
  private readonly abortController = new AbortController();
  private readonly fetched: { start: number; bytes: Uint8Array }[] = [];
  private size: number | undefined;
  private mimeType: string | undefined;
  /** The first error S3 itself gave, whatever the parser makes of it. */
  readFailure: unknown;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
  ) {}

  async getResponse(_method: string, range?: [number, number]): Promise<IRangeRequestResponse> {
    const [from, rawTo] = range ?? [0, Number.MAX_SAFE_INTEGER];
    const to = this.size === undefined ? rawTo : Math.min(rawTo, this.size - 1);
    const hit = this.fetched.find((f) => f.start <= from && f.start + f.bytes.length - 1 >= to);
    if (hit) return this.response(from, hit.bytes.subarray(from - hit.start, to - hit.start + 1));
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: `bytes=${from}-${to}` }), {
        abortSignal: this.abortController.signal,
      });
      const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      const contentRange = out.ContentRange ? parseContentRange(out.ContentRange) : undefined;
      this.size = contentRange?.instanceLength ?? out.ContentLength ?? bytes.length;
      this.mimeType = out.ContentType;
      this.fetched.push({ start: from, bytes });
      return this.response(from, bytes);
    } catch (err) {
      // A range from 0 that cannot be satisfied: the object is empty (S3 answers 416 InvalidRange).
      if (from === 0 && err instanceof Error && err.name === 'InvalidRange') {
        this.size = 0;
        return this.response(0, new Uint8Array());
      }
      const missing = err instanceof Error && (err.name === 'NoSuchKey' || err.name === 'NotFound');
      const failure = missing ? new SourceNotFoundError(`s3://${this.bucket}/${this.key} does not exist`) : err;
      this.readFailure ??= failure;
      throw failure;
    }
  }

  private response(from: number, bytes: Uint8Array): IRangeRequestResponse {
    const size = this.size ?? bytes.length;
    return {
      size,
      mimeType: this.mimeType,
      acceptPartialRequests: true,
      contentRange: { firstBytePosition: from, lastBytePosition: from + bytes.length - 1, instanceLength: size },
      arrayBuffer: async () => bytes,
    };
  }

  abort(): void {
    this.abortController.abort();
  }
}
