import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** A store's own bucket of source files, for `s3://` track URLs; uploaded with a SHA-256 checksum as a store would. */
export async function makeSourceBucket(s3: S3Client, name: string, files: Record<string, Buffer>): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name })).catch(() => undefined);
  for (const [key, body] of Object.entries(files)) {
    await s3.send(
      new PutObjectCommand({
        Bucket: name,
        Key: key,
        Body: body,
        ContentType: 'audio/mpeg',
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }
}
