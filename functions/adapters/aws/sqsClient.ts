import { SQSClient } from '@aws-sdk/client-sqs';
import { type ClientOptions, clientConfig } from './clientConfig.js';

/** With a local endpoint, requests go there rather than to the QueueUrl's `*.localhost` host, which does not resolve. */
export function createSqsClient(env: NodeJS.ProcessEnv, opts: ClientOptions = {}): SQSClient {
  const config = clientConfig('sqs', env, opts);
  return new SQSClient({ ...config, ...('endpoint' in config ? { useQueueUrlAsEndpoint: false } : {}) });
}
