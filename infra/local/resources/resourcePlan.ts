import type {
  AttributeDefinition,
  BillingMode,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  ProvisionedThroughput,
} from '@aws-sdk/client-dynamodb';
import type { LifecycleRule } from '@aws-sdk/client-s3';

/**
 * The data resources a stack needs, in CloudFormation's terms, whichever side they were read
 * from: the source tree (sourceResourcePlan.ts) or a synthesized template
 * (asDeployed/provisionFromTemplate.ts). One provisioner (provisionResources.ts) creates them.
 */
export interface ResourcePlan {
  readonly tables: readonly TablePlan[];
  readonly queues: readonly QueuePlan[];
  readonly buckets: readonly BucketPlan[];
}

export interface TablePlan {
  /** The plan's own id: a logical id of the template, or the source tree's table key. */
  readonly id: string;
  readonly name: string;
  readonly keySchema: readonly KeySchemaElement[];
  readonly attributeDefinitions: readonly AttributeDefinition[];
  readonly billingMode: BillingMode;
  readonly provisionedThroughput?: ProvisionedThroughput | undefined;
  readonly globalSecondaryIndexes?: readonly GlobalSecondaryIndex[] | undefined;
  readonly localSecondaryIndexes?: readonly LocalSecondaryIndex[] | undefined;
  /** DynamoDB TTL's attribute, when enabled. */
  readonly ttlAttribute?: string | undefined;
}

export interface QueuePlan {
  readonly id: string;
  readonly name: string;
  /** CreateQueue's attributes, but the redrive policy. */
  readonly attributes: Readonly<Record<string, string>>;
  /** The redrive policy, its dead-letter queue named by plan id (created first). */
  readonly redrive?: { readonly deadLetterQueueId: string; readonly maxReceiveCount: number } | undefined;
}

export interface BucketPlan {
  readonly id: string;
  readonly name: string;
  readonly lifecycleRules?: readonly LifecycleRule[] | undefined;
  /** Keeps replaced and deleted objects' versions (the media bucket on AWS). */
  readonly versioned?: boolean | undefined;
}

/** What exists once a plan is provisioned, by plan id. */
export interface ProvisionedResources {
  readonly tables: ReadonlyMap<string, { readonly name: string; readonly arn: string }>;
  readonly queues: ReadonlyMap<string, { readonly name: string; readonly url: string; readonly arn: string }>;
  readonly buckets: ReadonlyMap<string, { readonly name: string }>;
  /** What the emulators could not take (TTL on dynalite, say), said rather than hidden. */
  readonly skipped: readonly string[];
}
