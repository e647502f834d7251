import { S3Client } from '@aws-sdk/client-s3';
import { type ClientOptions, clientConfig } from './clientConfig.js';

/** With a local endpoint, buckets are addressed by path: `bucket.localhost` does not resolve here. */
export function createS3Client(env: NodeJS.ProcessEnv, opts: ClientOptions = {}): S3Client {
  const config = clientConfig('s3', env, opts);
  return new S3Client({ ...config, ...('endpoint' in config ? { forcePathStyle: true } : {}) });
}
