import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClients {
  /** The low-level client, for table management. */
  readonly dynamodb: DynamoDBClient;
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
}

export interface ClientOptions {
  readonly region?: string;
  /** Explicit endpoints (tests, sandbox); otherwise `AWS_ENDPOINT_URL_*` or AWS itself. */
  readonly endpoints?: { readonly dynamodb?: string; readonly sqs?: string; readonly s3?: string };
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts?: number;
}

/**
 * Builds the three clients once per container. Local endpoints need two adjustments: S3 by path
 * (no `bucket.localhost` DNS here) and SQS without the QueueUrl's host as endpoint (the
 * emulator's `*.localhost` queue hosts do not resolve).
 */
export function createClients(env: NodeJS.ProcessEnv, opts: ClientOptions = {}): AwsClients {
  const region = opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const ddbEndpoint = opts.endpoints?.dynamodb ?? env.AWS_ENDPOINT_URL_DYNAMODB;
  const sqsEndpoint = opts.endpoints?.sqs ?? env.AWS_ENDPOINT_URL_SQS;
  const s3Endpoint = opts.endpoints?.s3 ?? env.AWS_ENDPOINT_URL_S3;
  const common = {
    region,
    ...(opts.credentials ? { credentials: { ...opts.credentials } } : {}),
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
  };
  const dynamodb = new DynamoDBClient({ ...common, ...(ddbEndpoint ? { endpoint: ddbEndpoint } : {}) });
  const ddb = DynamoDBDocumentClient.from(dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const sqs = new SQSClient({
    ...common,
    ...(sqsEndpoint ? { endpoint: sqsEndpoint, useQueueUrlAsEndpoint: false } : {}),
  });
  const s3 = new S3Client({
    ...common,
    ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}),
  });
  return { dynamodb, ddb, sqs, s3 };
}
