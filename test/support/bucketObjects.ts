import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** Every object under a prefix with the SHA-256 of its bytes, read back from S3. */
export async function objectsUnder(s3: S3Client, bucket: string, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
      const bytes = await obj.Body!.transformToByteArray();
      out.set(o.Key!, createHash('sha256').update(bytes).digest('hex'));
    }
    token = page.NextContinuationToken;
  } while (token);
  return out;
}
