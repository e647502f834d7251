import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { stagingPrefix } from '../resources.js';
import type { StorageClass } from '../settings.js';
import { sha256Of } from './bucketObjects.js';
import { uploadInParts } from './partUpload.js';

export interface CopyRequest {
  readonly sourceBucket: string;
  readonly sourceKey: string;
  readonly destKey: string;
  readonly size: number;
  readonly contentType?: string | undefined;
  readonly metadata: Record<string, string>;
}

/** S3's single CopyObject limit; larger objects are copied part by part. */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
const COPY_PART_BYTES = 512 * 1024 ** 2;
const COPY_PART_CONCURRENCY = 8;

/** The media bucket: server-side copies, streamed uploads, and reads for hashing. */
export class MediaStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
    /** The class final keys land in; staging objects (deleted within the hour) stay Standard. */
    private readonly storageClass: StorageClass = 'STANDARD',
    // S3's smallest part, two in flight and one filling: a 1 GiB copy peaks well under 150 MB
    // RSS at the plain Upload's speed (npm run bench); more in flight buys little against one
    // origin stream.
    private readonly upload = { partBytes: 5 * 1024 ** 2, inFlight: 2 },
  ) {}

  private classFor(key: string): { StorageClass?: StorageClass } {
    return key.startsWith(stagingPrefix) || this.storageClass === 'STANDARD' ? {} : { StorageClass: this.storageClass };
  }

  /**
   * Server-side copy into the media bucket: no byte passes through the caller. Asks S3 for a
   * SHA-256 of the new object and returns it when S3 computed one.
   */
  async copy(req: CopyRequest): Promise<{ sha256?: string | undefined }> {
    if (req.size > MAX_SINGLE_COPY_BYTES) {
      await this.copyInParts(req);
      return {};
    }
    const out = await this.s3.send(
      new CopyObjectCommand({
        Bucket: this.bucket,
        Key: req.destKey,
        CopySource: `${req.sourceBucket}/${encodeKey(req.sourceKey)}`,
        MetadataDirective: 'REPLACE',
        ContentType: req.contentType,
        Metadata: req.metadata,
        ChecksumAlgorithm: 'SHA256',
        ...this.classFor(req.destKey),
      }),
    );
    const sum = out.CopyObjectResult?.ChecksumSHA256;
    const fullObject =
      out.CopyObjectResult?.ChecksumType === undefined || out.CopyObjectResult.ChecksumType === 'FULL_OBJECT';
    return { sha256: sum && fullObject && !sum.includes('-') ? b64ToHex(sum) : undefined };
  }

  /** Above 5 GB: UploadPartCopy in parallel parts, still server-side. */
  private async copyInParts(req: CopyRequest): Promise<void> {
    const created = await this.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: req.destKey,
        ContentType: req.contentType,
        Metadata: req.metadata,
        ...this.classFor(req.destKey),
      }),
    );
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');
    try {
      const count = Math.ceil(req.size / COPY_PART_BYTES);
      const parts: { PartNumber: number; ETag: string }[] = new Array(count);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          const i = next++;
          const start = i * COPY_PART_BYTES;
          const end = Math.min(req.size, start + COPY_PART_BYTES) - 1;
          const out = await this.s3.send(
            new UploadPartCopyCommand({
              Bucket: this.bucket,
              Key: req.destKey,
              UploadId: uploadId,
              PartNumber: i + 1,
              CopySource: `${req.sourceBucket}/${encodeKey(req.sourceKey)}`,
              CopySourceRange: `bytes=${start}-${end}`,
            }),
          );
          parts[i] = { PartNumber: i + 1, ETag: out.CopyPartResult?.ETag ?? '' };
        }
      };
      await Promise.all(Array.from({ length: Math.min(COPY_PART_CONCURRENCY, count) }, worker));
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: req.destKey,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (err) {
      await this.s3
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: req.destKey, UploadId: uploadId }))
        .catch(() => {});
      throw err;
    }
  }

  /**
   * Streams a body into the bucket with bounded memory: one PutObject when it fits in a part,
   * otherwise a multipart upload with at most two parts in flight (see partUpload.ts).
   */
  async uploadStream(
    key: string,
    body: Readable,
    contentType: string | undefined,
    metadata: Record<string, string> = {},
  ): Promise<void> {
    await uploadInParts(
      this.s3,
      { Bucket: this.bucket, Key: key, ContentType: contentType, Metadata: metadata, ...this.classFor(key) },
      body,
      this.upload,
    );
  }

  /**
   * Writes a small object unless the key holds one already: a HEAD (cheaper than a PUT) says
   * whether it is there, and `If-None-Match: *` keeps two writers racing to one write on S3
   * (412: the other won). Returns whether this call wrote it.
   */
  async putOnce(key: string, body: Uint8Array, contentType: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return false;
    } catch (err) {
      if (!(err instanceof Error && (err.name === 'NotFound' || err.name === 'NoSuchKey'))) throw err;
    }
    try {
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, IfNoneMatch: '*' }),
      );
      return true;
    } catch (err) {
      if (
        err instanceof Error &&
        (err.name === 'PreconditionFailed' ||
          (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412)
      )
        return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Reads an object through to hash it: the fallback when S3 reports no SHA-256 of its own. */
  sha256Of(bucket: string, key: string): Promise<{ sha256: string; bytes: number }> {
    return sha256Of(this.s3, bucket, key);
  }
}

function b64ToHex(b64: string): string {
  return Buffer.from(b64, 'base64').toString('hex');
}

// CopySource is a URL path: each key segment is percent-encoded, the slashes kept.
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}
