import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClientOptions } from './aws/clientConfig.js';
import { createDynamoClients } from './aws/dynamoClients.js';
import { createS3Client } from './aws/s3Client.js';
import { createSqsClient } from './aws/sqsClient.js';

export type { ClientOptions } from './aws/clientConfig.js';

export interface AwsClients {
  /** The low-level client, for table management. */
  readonly dynamodb: DynamoDBClient;
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
}

/**
 * All three clients at once, for the sandbox, tests and tools. Each Lambda function builds only
 * the ones it uses (see functions/handlers), which keeps its bundle and cold start small.
 */
export function createClients(env: NodeJS.ProcessEnv, opts: ClientOptions = {}): AwsClients {
  return { ...createDynamoClients(env, opts), sqs: createSqsClient(env, opts), s3: createS3Client(env, opts) };
}
