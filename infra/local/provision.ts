import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../functions/adapters/clients.js';
import type { ResourceNames } from '../../functions/adapters/config.js';
import { bucket, queues, type TableShape, tables } from '../../functions/resources.js';
import {
  type QueueConsumerSettings,
  type TrackdropSettings,
  visibilityTimeoutSeconds,
} from '../../functions/settings.js';

export interface ProvisionedQueues {
  readonly downloads: { readonly url: string; readonly dlqUrl: string };
  readonly completions: { readonly url: string; readonly dlqUrl: string };
}

export interface Provisioned {
  readonly names: ResourceNames;
  readonly queues: ProvisionedQueues;
}

/**
 * Creates on the emulators what the CDK app creates on AWS, from the same shapes and settings:
 * the four tables, both queues with their DLQs and redrive policies, and the media bucket.
 * Anything already there is kept (a restarted sandbox finds its data). `prefix` keeps parallel
 * test suites apart.
 */
export async function provision(clients: AwsClients, settings: TrackdropSettings, prefix = ''): Promise<Provisioned> {
  const t = (shape: TableShape) => ensureTable(clients.dynamodb, `${prefix}${shape.name}`, shape);
  const [stores, downloads, licenses, library] = await Promise.all([
    t(tables.stores),
    t(tables.downloads),
    t(tables.licenses),
    t(tables.library),
  ]);
  const dq = await ensureQueue(
    clients.sqs,
    `${prefix}${queues.downloads.name}`,
    `${prefix}${queues.downloads.dlqName}`,
    settings.downloads,
    visibilityTimeoutSeconds(settings.functions.worker),
  );
  const cq = await ensureQueue(
    clients.sqs,
    `${prefix}${queues.completions.name}`,
    `${prefix}${queues.completions.dlqName}`,
    settings.completions,
    visibilityTimeoutSeconds(settings.functions.completion),
  );
  const bucketName = `${prefix}${bucket.name}`;
  await ensureBucket(clients.s3, bucketName);
  return {
    names: {
      tables: { stores, downloads, licenses, library },
      queueUrls: { downloads: dq.url, completions: cq.url },
      bucket: bucketName,
    },
    queues: { downloads: dq, completions: cq },
  };
}

async function ensureTable(ddb: DynamoDBClient, name: string, shape: TableShape): Promise<string> {
  try {
    await ddb.send(new DescribeTableCommand({ TableName: name }));
    return name;
  } catch (err) {
    if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
  }
  const keys: KeySchemaElement[] = [{ AttributeName: shape.partitionKey, KeyType: 'HASH' }];
  const attrs: AttributeDefinition[] = [{ AttributeName: shape.partitionKey, AttributeType: 'S' }];
  if (shape.sortKey) {
    keys.push({ AttributeName: shape.sortKey, KeyType: 'RANGE' });
    attrs.push({ AttributeName: shape.sortKey, AttributeType: 'S' });
  }
  for (const index of shape.indexes ?? []) attrs.push({ AttributeName: index.partitionKey, AttributeType: 'S' });
  const indexes = (shape.indexes ?? []).map((index) => ({
    IndexName: index.name,
    KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' as const }],
    Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...index.include] },
  }));
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: keys,
      AttributeDefinitions: attrs,
      BillingMode: 'PAY_PER_REQUEST',
      ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
    }),
  );
  for (let i = 0; i < 100; i++) {
    const out = await ddb.send(new DescribeTableCommand({ TableName: name }));
    if (out.Table?.TableStatus === 'ACTIVE') return name;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

async function ensureQueue(
  sqs: SQSClient,
  name: string,
  dlqName: string,
  consumer: QueueConsumerSettings,
  visibility: number,
) {
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: dlqName,
      Attributes: { MessageRetentionPeriod: String(consumer.dlqRetentionDays * 86_400) },
    }),
  );
  const dlqUrl = queueUrlOf(dlq, dlqName);
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(visibility),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: attrs.Attributes?.QueueArn,
          maxReceiveCount: consumer.maxReceiveCount,
        }),
      },
    }),
  );
  return { url: queueUrlOf(main, name), dlqUrl };
}

function queueUrlOf(created: { QueueUrl?: string | undefined }, name: string): string {
  if (!created.QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  return created.QueueUrl;
}

async function ensureBucket(s3: S3Client, name: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  }
}
