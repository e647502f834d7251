import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../../functions/adapters/clients.js';
import { type CfnTemplate, type LocalValue, type Pseudo, props, resolve, TemplateError } from './template.js';

export interface ProvisionNotes {
  /** What the emulators could not take from the template (e.g. TTL on dynalite), said, not hidden. */
  readonly skipped: string[];
}

export interface Provisioned {
  readonly locals: Map<string, LocalValue>;
  readonly notes: ProvisionNotes;
}

/**
 * Creates on the emulators what CloudFormation would create from the template: tables (keys,
 * indexes, TTL), queues (every attribute, the redrive policy's maxReceiveCount and DLQ included),
 * buckets (their lifecycle), and KMS keys on the stand-in; and names the roles, functions and
 * integrations as the deployed stack would. Resources already there are kept (a restarted sandbox).
 */
export async function provisionFromTemplate(
  template: CfnTemplate,
  pseudo: Pseudo,
  clients: AwsClients,
  createKey: (name: string) => string,
): Promise<Provisioned> {
  const locals = new Map<string, LocalValue>();
  const notes: ProvisionNotes = { skipped: [] };
  const { region, accountId, stackName } = pseudo;
  const physical = (id: string, max: number) => `${stackName}-${id}`.slice(0, max);
  const entries = Object.entries(template.Resources);

  for (const [id, r] of entries) {
    const name = physical(id, 64);
    switch (r.Type) {
      case 'AWS::KMS::Key': {
        const keyId = createKey(id);
        locals.set(id, { ref: keyId, attrs: { Arn: `arn:aws:kms:${region}:${accountId}:key/${keyId}`, KeyId: keyId } });
        break;
      }
      case 'AWS::IAM::Role':
        locals.set(id, {
          ref: name,
          attrs: { Arn: `arn:aws:iam::${accountId}:role/${name}`, RoleId: `AROA${id.toUpperCase().slice(0, 17)}` },
        });
        break;
      case 'AWS::Lambda::Function':
        locals.set(id, { ref: name, attrs: { Arn: `arn:aws:lambda:${region}:${accountId}:function:${name}` } });
        break;
      // The API itself has no local id: outputs naming its URL are left out.
      case 'AWS::ApiGatewayV2::Integration':
      case 'AWS::ApiGatewayV2::Authorizer':
      case 'AWS::ApiGatewayV2::Stage':
        locals.set(id, { ref: id, attrs: {} });
        break;
      // A user pool has no local counterpart; its id lets the template's issuer URL resolve.
      case 'AWS::Cognito::UserPool':
        locals.set(id, {
          ref: `${region}_local${id.slice(0, 8)}`,
          attrs: { Arn: `arn:aws:cognito-idp:${region}:${accountId}:userpool/${region}_local${id.slice(0, 8)}` },
        });
        break;
      case 'AWS::Cognito::UserPoolClient':
        locals.set(id, { ref: `local${id}`.slice(0, 26).toLowerCase(), attrs: {} });
        break;
      case 'AWS::Logs::LogGroup': {
        const group = typeof props(r).LogGroupName === 'string' ? String(props(r).LogGroupName) : `/aws/lambda/${name}`;
        locals.set(id, { ref: group, attrs: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:${group}:*` } });
        break;
      }
    }
  }

  for (const [id, r] of entries.filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')) {
    const p = props(r);
    const name = typeof p.TableName === 'string' ? p.TableName : physical(id, 255);
    await ensureTable(clients.dynamodb, name, p, notes);
    locals.set(id, { ref: name, attrs: { Arn: `arn:aws:dynamodb:${region}:${accountId}:table/${name}` } });
  }

  for (const [id, r] of entries.filter(([, r]) => r.Type === 'AWS::S3::Bucket')) {
    const p = props(r);
    const name = typeof p.BucketName === 'string' ? p.BucketName : physical(id, 63).toLowerCase();
    await ensureBucket(clients.s3, name, p, notes);
    locals.set(id, { ref: name, attrs: { Arn: `arn:aws:s3:::${name}`, DomainName: `${name}.s3.amazonaws.com` } });
  }

  // Queues in dependency order: a queue's redrive policy names its DLQ's ARN.
  let queues = entries.filter(([, r]) => r.Type === 'AWS::SQS::Queue');
  while (queues.length > 0) {
    const ready = queues.filter(([, r]) => canResolve(props(r), locals, pseudo));
    if (ready.length === 0)
      throw new TemplateError(`queues with unresolvable properties: ${queues.map(([id]) => id).join(', ')}`);
    for (const [id, r] of ready) {
      const p = resolve(props(r), locals, pseudo) as Record<string, unknown>;
      const name = typeof p.QueueName === 'string' ? p.QueueName : physical(id, 80);
      const { url, arn } = await ensureQueue(clients.sqs, name, p, notes);
      locals.set(id, { ref: url, attrs: { Arn: arn, QueueName: name, QueueUrl: url } });
    }
    queues = queues.filter((q) => !ready.includes(q));
  }
  return { locals, notes };
}

function canResolve(value: unknown, locals: ReadonlyMap<string, LocalValue>, pseudo: Pseudo): boolean {
  try {
    resolve(value, locals, pseudo);
    return true;
  } catch {
    return false;
  }
}

async function ensureTable(
  ddb: DynamoDBClient,
  name: string,
  p: Record<string, unknown>,
  notes: ProvisionNotes,
): Promise<void> {
  const exists = await ddb.send(new DescribeTableCommand({ TableName: name })).then(
    () => true,
    (err: unknown) => {
      if (err instanceof Error && err.name === 'ResourceNotFoundException') return false;
      throw err;
    },
  );
  if (!exists) {
    const input: CreateTableCommandInput = {
      TableName: name,
      AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
      KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
      BillingMode: (p.BillingMode as CreateTableCommandInput['BillingMode']) ?? 'PROVISIONED',
      ...(p.ProvisionedThroughput
        ? { ProvisionedThroughput: p.ProvisionedThroughput as CreateTableCommandInput['ProvisionedThroughput'] }
        : {}),
      ...(p.GlobalSecondaryIndexes
        ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'] }
        : {}),
      ...(p.LocalSecondaryIndexes
        ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes as CreateTableCommandInput['LocalSecondaryIndexes'] }
        : {}),
    };
    await ddb.send(new CreateTableCommand(input));
    for (let i = 0; ; i++) {
      const out = await ddb.send(new DescribeTableCommand({ TableName: name }));
      const indexesActive = (out.Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
      if (out.Table?.TableStatus === 'ACTIVE' && indexesActive) break;
      if (i > 200) throw new Error(`table ${name} did not become ACTIVE`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const ttl = p.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
  if (ttl?.Enabled) {
    await ddb
      .send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
        }),
      )
      .catch((err: unknown) => {
        // Already enabled on a restarted sandbox, or an emulator without TTL (dynalite).
        if (!(err instanceof Error && /already enabled/i.test(err.message)))
          notes.skipped.push(`TTL on ${name} (${ttl.AttributeName}): ${(err as Error).name}`);
      });
  }
}

const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'FifoQueue',
  'ContentBasedDeduplication',
  'SqsManagedSseEnabled',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
] as const;

async function ensureQueue(
  sqs: SQSClient,
  name: string,
  p: Record<string, unknown>,
  notes: ProvisionNotes,
): Promise<{ url: string; arn: string }> {
  const attributes: Record<string, string> = {};
  for (const key of QUEUE_ATTRIBUTES) if (p[key] !== undefined) attributes[key] = String(p[key]);
  if (p.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(p.RedrivePolicy);
  if (p.RedriveAllowPolicy) attributes.RedriveAllowPolicy = JSON.stringify(p.RedriveAllowPolicy);
  const create = async (): Promise<string> => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
    return QueueUrl;
  };
  let url: string;
  try {
    url = await create();
  } catch (err) {
    // Server-side encryption is AWS's business; an emulator that refuses the attribute gets the rest.
    if (!attributes.SqsManagedSseEnabled) throw err;
    delete attributes.SqsManagedSseEnabled;
    notes.skipped.push(`SqsManagedSseEnabled on ${name}`);
    url = await create();
  }
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: out.Attributes?.QueueArn ?? '' };
}

interface CfnLifecycleRule {
  readonly Id?: string;
  readonly Status: 'Enabled' | 'Disabled';
  readonly Prefix?: string;
  readonly ExpirationInDays?: number;
  readonly AbortIncompleteMultipartUpload?: { readonly DaysAfterInitiation: number };
  readonly NoncurrentVersionExpiration?: { readonly NoncurrentDays: number };
}

async function ensureBucket(
  s3: S3Client,
  name: string,
  p: Record<string, unknown>,
  notes: ProvisionNotes,
): Promise<void> {
  const exists = await s3.send(new HeadBucketCommand({ Bucket: name })).then(
    () => true,
    () => false,
  );
  if (!exists) await s3.send(new CreateBucketCommand({ Bucket: name }));
  const rules = (p.LifecycleConfiguration as { Rules?: CfnLifecycleRule[] } | undefined)?.Rules;
  if (!rules?.length) return;
  const Rules: LifecycleRule[] = rules.map((r) => ({
    ...(r.Id ? { ID: r.Id } : {}),
    Status: r.Status,
    Filter: { Prefix: r.Prefix ?? '' },
    ...(r.ExpirationInDays !== undefined ? { Expiration: { Days: r.ExpirationInDays } } : {}),
    ...(r.AbortIncompleteMultipartUpload
      ? {
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.AbortIncompleteMultipartUpload.DaysAfterInitiation },
        }
      : {}),
    ...(r.NoncurrentVersionExpiration
      ? { NoncurrentVersionExpiration: { NoncurrentDays: r.NoncurrentVersionExpiration.NoncurrentDays } }
      : {}),
  }));
  await s3
    .send(new PutBucketLifecycleConfigurationCommand({ Bucket: name, LifecycleConfiguration: { Rules } }))
    .catch((err: unknown) => {
      notes.skipped.push(`lifecycle of ${name}: ${(err as Error).name}`);
    });
}
