import { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../../functions/adapters/clients.js';
import type { BucketPlan, ProvisionedResources, QueuePlan, ResourcePlan, TablePlan } from './resourcePlan.js';

/**
 * Creates a plan's tables (keys, indexes, TTL), queues (attributes, dead-letter queues first,
 * then the queues that redrive to them) and buckets (lifecycle) on the emulators, as
 * CloudFormation would on AWS. What exists already is kept: a restarted sandbox finds its data.
 */
export async function provisionResources(
  clients: AwsClients,
  plan: ResourcePlan,
  region: string,
  accountId: string,
): Promise<ProvisionedResources> {
  const skipped: string[] = [];
  const tables = new Map<string, { name: string; arn: string }>();
  await Promise.all(
    plan.tables.map(async (t) => {
      await ensureTable(clients, t, skipped);
      tables.set(t.id, { name: t.name, arn: `arn:aws:dynamodb:${region}:${accountId}:table/${t.name}` });
    }),
  );
  const buckets = new Map<string, { name: string }>();
  for (const b of plan.buckets) {
    await ensureBucket(clients, b, skipped);
    buckets.set(b.id, { name: b.name });
  }
  const queues = new Map<string, { name: string; url: string; arn: string }>();
  let pending = [...plan.queues];
  while (pending.length > 0) {
    const ready = pending.filter((q) => !q.redrive || queues.has(q.redrive.deadLetterQueueId));
    if (ready.length === 0)
      throw new Error(`queues whose dead-letter queue is not in the plan: ${pending.map((q) => q.id).join(', ')}`);
    for (const q of ready) queues.set(q.id, await ensureQueue(clients, q, queues, skipped));
    pending = pending.filter((q) => !ready.includes(q));
  }
  return { tables, queues, buckets, skipped };
}

async function ensureTable(clients: AwsClients, t: TablePlan, skipped: string[]): Promise<void> {
  const ddb = clients.dynamodb;
  const exists = await ddb.send(new DescribeTableCommand({ TableName: t.name })).then(
    () => true,
    (err: unknown) => {
      if (err instanceof Error && err.name === 'ResourceNotFoundException') return false;
      throw err;
    },
  );
  if (!exists) {
    await ddb.send(
      new CreateTableCommand({
        TableName: t.name,
        KeySchema: [...t.keySchema],
        AttributeDefinitions: [...t.attributeDefinitions],
        BillingMode: t.billingMode,
        ...(t.provisionedThroughput ? { ProvisionedThroughput: t.provisionedThroughput } : {}),
        ...(t.globalSecondaryIndexes?.length ? { GlobalSecondaryIndexes: [...t.globalSecondaryIndexes] } : {}),
        ...(t.localSecondaryIndexes?.length ? { LocalSecondaryIndexes: [...t.localSecondaryIndexes] } : {}),
      }),
    );
    for (let i = 0; ; i++) {
      const out = await ddb.send(new DescribeTableCommand({ TableName: t.name }));
      const indexesActive = (out.Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
      if (out.Table?.TableStatus === 'ACTIVE' && indexesActive) break;
      if (i > 200) throw new Error(`table ${t.name} did not become ACTIVE`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (t.ttlAttribute) {
    await ddb
      .send(
        new UpdateTimeToLiveCommand({
          TableName: t.name,
          TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true },
        }),
      )
      .catch((err: unknown) => {
        // Already enabled on a restarted sandbox, or an emulator without TTL (dynalite).
        if (!(err instanceof Error && /already enabled/i.test(err.message)))
          skipped.push(`TTL on ${t.name} (${t.ttlAttribute}): ${err instanceof Error ? err.name : String(err)}`);
      });
  }
}

async function ensureQueue(
  clients: AwsClients,
  q: QueuePlan,
  created: ReadonlyMap<string, { readonly arn: string }>,
  skipped: string[],
): Promise<{ name: string; url: string; arn: string }> {
  const attributes: Record<string, string> = { ...q.attributes };
  if (q.redrive) {
    const dlq = created.get(q.redrive.deadLetterQueueId);
    if (!dlq) throw new Error(`${q.id}: dead-letter queue ${q.redrive.deadLetterQueueId} is not created yet`);
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: q.redrive.maxReceiveCount,
    });
  }
  const create = async (): Promise<string> => {
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: q.name, Attributes: attributes }));
    if (!QueueUrl) throw new Error(`CreateQueue ${q.name} returned no QueueUrl`);
    return QueueUrl;
  };
  let url: string;
  try {
    url = await create();
  } catch (err) {
    // Server-side encryption is AWS's business; an emulator that refuses the attribute gets the rest.
    if (!attributes.SqsManagedSseEnabled) throw err;
    delete attributes.SqsManagedSseEnabled;
    skipped.push(`SqsManagedSseEnabled on ${q.name}`);
    url = await create();
  }
  const out = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${q.name} has no QueueArn`);
  return { name: q.name, url, arn };
}

async function ensureBucket(clients: AwsClients, b: BucketPlan, skipped: string[]): Promise<void> {
  const exists = await clients.s3.send(new HeadBucketCommand({ Bucket: b.name })).then(
    () => true,
    () => false,
  );
  if (!exists) await clients.s3.send(new CreateBucketCommand({ Bucket: b.name }));
  if (b.versioned)
    await clients.s3
      .send(new PutBucketVersioningCommand({ Bucket: b.name, VersioningConfiguration: { Status: 'Enabled' } }))
      .catch((err: unknown) => {
        skipped.push(`versioning of ${b.name}: ${err instanceof Error ? err.name : String(err)}`);
      });
  if (!b.lifecycleRules?.length) return;
  await clients.s3
    .send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: b.name,
        LifecycleConfiguration: { Rules: [...b.lifecycleRules] },
      }),
    )
    .catch((err: unknown) => {
      skipped.push(`lifecycle of ${b.name}: ${err instanceof Error ? err.name : String(err)}`);
    });
}
