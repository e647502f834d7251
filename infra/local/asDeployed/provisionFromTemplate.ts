import type { LifecycleRule } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../../functions/adapters/clients.js';
import { provisionResources } from '../resources/provisionResources.js';
import type { BucketPlan, QueuePlan, ResourcePlan, TablePlan } from '../resources/resourcePlan.js';
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

  const plan = templateResourcePlan(template, locals, pseudo);
  const made = await provisionResources(clients, plan, region, accountId);
  notes.skipped.push(...made.skipped);
  for (const [id, t] of made.tables) locals.set(id, { ref: t.name, attrs: { Arn: t.arn } });
  for (const [id, b] of made.buckets)
    locals.set(id, { ref: b.name, attrs: { Arn: `arn:aws:s3:::${b.name}`, DomainName: `${b.name}.s3.amazonaws.com` } });
  for (const [id, q] of made.queues)
    locals.set(id, { ref: q.url, attrs: { Arn: q.arn, QueueName: q.name, QueueUrl: q.url } });
  return { locals, notes };
}

/**
 * The template's tables, queues and buckets as a ResourcePlan, with their physical names as
 * CloudFormation would give them (`<stack>-<logical id>` where the template names none).
 */
export function templateResourcePlan(
  template: CfnTemplate,
  locals: ReadonlyMap<string, LocalValue>,
  pseudo: Pseudo,
): ResourcePlan {
  const physical = (id: string, max: number) => `${pseudo.stackName}-${id}`.slice(0, max);
  const entries = Object.entries(template.Resources);
  const tables = entries
    .filter(([, r]) => r.Type === 'AWS::DynamoDB::Table')
    .map(([id, r]): TablePlan => {
      const p = props(r);
      const ttl = p.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
      return {
        id,
        name: typeof p.TableName === 'string' ? p.TableName : physical(id, 255),
        keySchema: p.KeySchema as TablePlan['keySchema'],
        attributeDefinitions: p.AttributeDefinitions as TablePlan['attributeDefinitions'],
        billingMode: (p.BillingMode as TablePlan['billingMode'] | undefined) ?? 'PROVISIONED',
        provisionedThroughput: p.ProvisionedThroughput as TablePlan['provisionedThroughput'],
        globalSecondaryIndexes: p.GlobalSecondaryIndexes as TablePlan['globalSecondaryIndexes'],
        localSecondaryIndexes: p.LocalSecondaryIndexes as TablePlan['localSecondaryIndexes'],
        ttlAttribute: ttl?.Enabled ? ttl.AttributeName : undefined,
      };
    });
  const buckets = entries
    .filter(([, r]) => r.Type === 'AWS::S3::Bucket')
    .map(([id, r]): BucketPlan => {
      const p = props(r);
      const rules = (p.LifecycleConfiguration as { Rules?: CfnLifecycleRule[] } | undefined)?.Rules;
      return {
        id,
        name: typeof p.BucketName === 'string' ? p.BucketName : physical(id, 63).toLowerCase(),
        lifecycleRules: rules?.map(lifecycleRule),
        versioned: (p.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled',
      };
    });
  const queueIds = new Set(entries.filter(([, r]) => r.Type === 'AWS::SQS::Queue').map(([id]) => id));
  const queues = entries
    .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
    .map(([id, r]): QueuePlan => {
      const { RedrivePolicy, ...rest } = props(r);
      const p = resolve(rest, locals, pseudo) as Record<string, unknown>;
      const attributes: Record<string, string> = {};
      for (const key of QUEUE_ATTRIBUTES) if (p[key] !== undefined) attributes[key] = String(p[key]);
      if (p.RedriveAllowPolicy) attributes.RedriveAllowPolicy = JSON.stringify(p.RedriveAllowPolicy);
      return {
        id,
        name: typeof p.QueueName === 'string' ? p.QueueName : physical(id, 80),
        attributes,
        redrive: RedrivePolicy === undefined ? undefined : redriveOf(id, RedrivePolicy, queueIds),
      };
    });
  return { tables, queues, buckets };
}

/** A redrive policy names its dead-letter queue by `Fn::GetAtt <queue>.Arn` of the template. */
function redriveOf(
  id: string,
  policy: unknown,
  queueIds: ReadonlySet<string>,
): { deadLetterQueueId: string; maxReceiveCount: number } {
  const p = policy as { deadLetterTargetArn?: { 'Fn::GetAtt'?: [string, string] }; maxReceiveCount?: unknown };
  const target = p.deadLetterTargetArn?.['Fn::GetAtt'];
  if (target?.[1] !== 'Arn' || !queueIds.has(target[0]))
    throw new TemplateError(`${id}: a redrive policy must name a queue of the template by Fn::GetAtt Arn`);
  return { deadLetterQueueId: target[0], maxReceiveCount: Number(p.maxReceiveCount) };
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

interface CfnLifecycleRule {
  readonly Id?: string;
  readonly Status: 'Enabled' | 'Disabled';
  readonly Prefix?: string;
  readonly ExpirationInDays?: number;
  readonly AbortIncompleteMultipartUpload?: { readonly DaysAfterInitiation: number };
  readonly NoncurrentVersionExpiration?: { readonly NoncurrentDays: number };
  readonly ExpiredObjectDeleteMarker?: boolean;
}

function lifecycleRule(r: CfnLifecycleRule): LifecycleRule {
  return {
    ...(r.Id ? { ID: r.Id } : {}),
    Status: r.Status,
    Filter: { Prefix: r.Prefix ?? '' },
    ...(r.ExpirationInDays !== undefined ? { Expiration: { Days: r.ExpirationInDays } } : {}),
    ...(r.ExpiredObjectDeleteMarker ? { Expiration: { ExpiredObjectDeleteMarker: true } } : {}),
    ...(r.AbortIncompleteMultipartUpload
      ? {
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.AbortIncompleteMultipartUpload.DaysAfterInitiation },
        }
      : {}),
    ...(r.NoncurrentVersionExpiration
      ? { NoncurrentVersionExpiration: { NoncurrentDays: r.NoncurrentVersionExpiration.NoncurrentDays } }
      : {}),
  };
}
