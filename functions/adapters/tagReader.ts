import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseContentRange, tokenizer, type IRangeRequestClient, type IRangeRequestResponse } from '@tokenizer/range';
import { parseFromTokenizer } from 'music-metadata';
import type { TrackTags } from '../core/types.js';

export interface ReadTags extends TrackTags {
  /** music-metadata's container name (`MPEG`, `WAVE`, `FLAC`…), for the file extension. */
  readonly container?: string | undefined;
}

/**
 * Reads a file's tags where it lies in S3 with ranged GETs: only the header blocks (and, for
 * ID3v1 or APE, the tail) travel, never the whole file.
 */
export async function readTagsFromS3(s3: S3Client, bucket: string, key: string): Promise<ReadTags> {
  const client = new S3RangeClient(s3, bucket, key);
  const tok = await tokenizer(client, {
    avoidHeadRequests: true,
    // One 64 KiB read usually covers ID3v2, FLAC and RIFF headers with their tags.
    initialChunkSize: 64 * 1024,
    minimumChunkSize: 64 * 1024,
  });
  try {
    const meta = await parseFromTokenizer(tok, { duration: false, skipCovers: true });
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
  } finally {
    await tok.close();
  }
}

function clean(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

class S3RangeClient implements IRangeRequestClient {
  private readonly abortController = new AbortController();
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
  ) {}

  async getResponse(_method: string, range?: [number, number]): Promise<IRangeRequestResponse> {
    const out = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: this.key, ...(range ? { Range: `bytes=${range[0]}-${range[1]}` } : {}) }),
      { abortSignal: this.abortController.signal },
    );
    const contentRange = out.ContentRange ? parseContentRange(out.ContentRange) : undefined;
    const body = out.Body;
    return {
      size: contentRange?.instanceLength ?? out.ContentLength ?? 0,
      mimeType: out.ContentType,
      acceptPartialRequests: true,
      contentRange,
      arrayBuffer: async () => (body ? body.transformToByteArray() : new Uint8Array()),
    };
  }

  abort(): void {
    this.abortController.abort();
  }
}
