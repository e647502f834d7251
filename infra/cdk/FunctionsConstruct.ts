import { Aws, Duration, Stack, Validations, type CfnResource, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { resourceEnv } from '../../functions/adapters/config.js';
import { stagingPrefix } from '../../functions/resources.js';
import { settingsEnv, type QueueConsumerSettings, type TrackdropSettings } from '../../functions/settings.js';
import type { QueuesConstruct } from './QueuesConstruct.js';
import { secretsKeyEnv, type SecretsConstruct } from './SecretsConstruct.js';
import type { StorageConstruct } from './StorageConstruct.js';
import type { TablesConstruct } from './TablesConstruct.js';
import { TrackdropFunction } from './TrackdropFunction.js';

export interface FunctionsConstructProps {
  readonly settings: TrackdropSettings;
  readonly tables: TablesConstruct;
  readonly queues: QueuesConstruct;
  readonly storage: StorageConstruct;
  readonly secrets: SecretsConstruct;
  /** Buckets stores may name in `s3://` track URLs; the worker may read objects from them. */
  readonly sourceBuckets: readonly string[];
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** Prefixes the worker writes: users' Music folders and staged HTTPS uploads. */
const workerPrefixes = ['users/', stagingPrefix] as const;

/** Object actions the worker needs on its prefixes: read, write (single or multipart), clean up. */
const workerObjectActions = [
  's3:GetObject',
  's3:PutObject',
  // CopyObject carries the source object's tags over by default.
  's3:PutObjectTagging',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
];

/** What a server-side copy needs on a store's source bucket. */
const sourceObjectActions = ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'];

/** Without ListBucket, HeadObject on a missing key answers 403 instead of the 404 the worker expects. */
const bucketActions = ['s3:ListBucket'];

/** The api, worker and completion functions, their event sources and least-privilege grants. */
export class FunctionsConstruct extends Construct {
  public readonly api: TrackdropFunction;
  public readonly worker: TrackdropFunction;
  public readonly completion: TrackdropFunction;

  constructor(scope: Construct, id: string, props: FunctionsConstructProps) {
    super(scope, id);
    const { settings, tables, queues, storage, secrets } = props;

    // Every handler reads all resource names at cold start (functions/adapters/config.ts);
    // names are not secrets, the grants below decide what each function may touch.
    const environment = {
      // The same names readResourceNames() reads back at cold start.
      ...resourceEnv({
        tables: {
          stores: tables.stores.tableName,
          downloads: tables.downloads.tableName,
          licenses: tables.licenses.tableName,
          library: tables.library.tableName,
        },
        queueUrls: { downloads: queues.downloads.queueUrl, completions: queues.completions.queueUrl },
        bucket: storage.mediaBucket.bucketName,
      }),
      [secretsKeyEnv]: secrets.signingSecretsKey.keyId,
      // The code runs with the limits and backoff the stack was built with, not compiled-in defaults.
      [settingsEnv]: JSON.stringify(settings),
    };
    const common = { environment, logRetention: props.logRetention, removalPolicy: props.removalPolicy };

    this.api = new TrackdropFunction(this, 'Api', { ...common, handlerName: 'api', settings: settings.functions.api });
    this.worker = new TrackdropFunction(this, 'Worker', {
      ...common,
      handlerName: 'worker',
      settings: settings.functions.worker,
    });
    this.completion = new TrackdropFunction(this, 'Completion', {
      ...common,
      handlerName: 'completion',
      settings: settings.functions.completion,
    });

    // api: stores, sessions and licenses; reads the library; enqueues tracks and store events.
    tables.stores.grantReadWriteData(this.api);
    tables.downloads.grantReadWriteData(this.api);
    tables.licenses.grantReadWriteData(this.api);
    tables.library.grantReadData(this.api);
    queues.downloads.grantSendMessages(this.api);
    queues.completions.grantSendMessages(this.api);
    // Signing secrets are sealed by the operator CLI (with the operator's own KMS rights) and
    // opened only by the completion function: the api has no use for the key.

    // worker: checks licenses, claims object keys in the library, copies into the bucket.
    tables.licenses.grantReadData(this.worker);
    tables.library.grantReadWriteData(this.worker);
    tables.downloads.grantReadWriteData(this.worker);
    tables.stores.grantReadData(this.worker);
    queues.completions.grantSendMessages(this.worker);
    this.worker.addToRolePolicy(
      new PolicyStatement({
        actions: workerObjectActions,
        resources: workerPrefixes.map((prefix) => storage.mediaBucket.arnForObjects(`${prefix}*`)),
      }),
    );
    const sourceBucketArns = props.sourceBuckets.map((name) => `arn:${Aws.PARTITION}:s3:::${name}`);
    this.worker.addToRolePolicy(
      new PolicyStatement({ actions: bucketActions, resources: [storage.mediaBucket.bucketArn, ...sourceBucketArns] }),
    );
    if (sourceBucketArns.length > 0) {
      this.worker.addToRolePolicy(
        new PolicyStatement({ actions: sourceObjectActions, resources: sourceBucketArns.map((arn) => `${arn}/*`) }),
      );
    }
    this.worker.addEventSource(sqsSource(queues.downloads, settings.downloads));

    // completion: library rows, session states, signed callbacks. The event source grants
    // consume rights, ChangeMessageVisibility (the callback backoff) included.
    tables.downloads.grantReadWriteData(this.completion);
    tables.library.grantReadWriteData(this.completion);
    tables.stores.grantReadData(this.completion);
    secrets.signingSecretsKey.grantDecrypt(this.completion);
    this.completion.addEventSource(sqsSource(queues.completions, settings.completions));

    this.acknowledgeWorkerWildcards(storage, props.sourceBuckets);
    // A table grant covers its indexes as `<table>/index/*`; the library has one, the claims index.
    const libraryArn = `<${Stack.of(this).getLogicalId(tables.library.node.defaultChild as CfnResource)}.Arn>`;
    for (const fn of [this.api, this.worker, this.completion]) {
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${libraryArn}/index/*]`,
        reason: "The library table's only index (claimsByTrack, its object-key claims by track), granted with the table.",
      });
    }
  }

  /** The worker's object grants end in `/*` by nature; each one is acknowledged by name. */
  private acknowledgeWorkerWildcards(storage: StorageConstruct, sourceBuckets: readonly string[]): void {
    const bucketArn = `<${Stack.of(this).getLogicalId(storage.mediaBucket.node.defaultChild as CfnResource)}.Arn>`;
    for (const prefix of workerPrefixes) {
      Validations.of(this.worker).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`,
        reason: `Object keys are per user and track, known only at run time; the grant stops at the ${prefix} prefix.`,
      });
    }
    for (const name of sourceBuckets) {
      Validations.of(this.worker).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${name}/*]`,
        reason: `Read-only access to the objects of ${name}, a source bucket configured for server-side copies.`,
      });
    }
  }
}

function sqsSource(queue: Queue, consumer: QueueConsumerSettings): SqsEventSource {
  return new SqsEventSource(queue, {
    batchSize: consumer.batchSize,
    maxBatchingWindow: Duration.seconds(consumer.batchingWindowSeconds),
    maxConcurrency: consumer.maxConcurrency,
    // One failed record is retried alone instead of the whole batch.
    reportBatchItemFailures: true,
  });
}
