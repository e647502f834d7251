import { Aws, type CfnResource, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  bucket as bucketShape,
  queues as queueShapes,
  stagingPrefix,
  tables as tableShapes,
} from '../../functions/resources.js';
import { type QueueConsumerSettings, settingsEnv, type TrackdropSettings } from '../../functions/settings.js';
import { bindBucket, bindDecryptKey, bindQueue, bindTable } from './bindings.js';
import type { QueuesConstruct } from './QueuesConstruct.js';
import { type SecretsConstruct, secretsKeyEnv } from './SecretsConstruct.js';
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

/** What the listener function may read (and so what its presigned URLs may open): users' folders. */
const listenerPrefix = 'users/';

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

/** What an erasure adds to the worker's rights on a user's objects: each version deleted by id. */
const erasureObjectActions = ['s3:DeleteObjectVersion'];
/** ListObjectVersions under the user's prefix (ListObjectsV2 is the worker's ListBucket). */
const erasureBucketActions = ['s3:ListBucketVersions'];

/** Without ListBucket, HeadObject on a missing key answers 403 instead of the 404 the worker expects. */
const bucketActions = ['s3:ListBucket'];

/** The api, worker, completion and listener functions, their event sources and least-privilege grants. */
export class FunctionsConstruct extends Construct {
  public readonly api: TrackdropFunction;
  public readonly worker: TrackdropFunction;
  public readonly completion: TrackdropFunction;
  public readonly listener: TrackdropFunction;

  constructor(scope: Construct, id: string, props: FunctionsConstructProps) {
    super(scope, id);
    const { settings, tables, queues, storage, secrets } = props;

    // Only the settings are given to all three; each resource is bound (variable and grant in
    // one call) to the functions that use it, as functions/runtime/functionEnv.ts declares.
    const environment = { [settingsEnv]: JSON.stringify(settings) };
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

    this.listener = new TrackdropFunction(this, 'Listener', {
      ...common,
      handlerName: 'listener',
      settings: settings.functions.listener,
    });

    // api: authenticates stores (the operator CLI registers them); sessions and licenses; reads
    // the library; enqueues tracks and store events. Signing secrets are sealed by the operator
    // CLI (with the operator's own KMS rights) and opened only by the completion function.
    bindTable(this.api, tables.stores, tableShapes.stores, 'read');
    bindTable(this.api, tables.downloads, tableShapes.downloads, 'readWrite');
    bindTable(this.api, tables.licenses, tableShapes.licenses, 'readWrite');
    bindTable(this.api, tables.library, tableShapes.library, 'read');
    bindQueue(this.api, queues.downloads, queueShapes.downloads, 'send');
    bindQueue(this.api, queues.completions, queueShapes.completions, 'send');
    // The media bucket's name, without any grant: DownloadTrack refuses it as a source.
    this.api.addEnvironment(bucketShape.env, storage.mediaBucket.bucketName);

    // worker: checks licenses, claims object keys in the library, copies into the bucket.
    bindTable(this.worker, tables.stores, tableShapes.stores, 'read');
    // Licenses read for every track; written (deleted) only by a user's erasure, whose steps the
    // worker takes from their own queue, two at a time, and queues each next one.
    bindTable(this.worker, tables.licenses, tableShapes.licenses, 'readWrite');
    bindQueue(this.worker, queues.erasures, queueShapes.erasures, 'send');
    this.worker.addEventSource(sqsSource(queues.erasures, settings.erasures));
    bindTable(this.worker, tables.library, tableShapes.library, 'readWrite');
    bindTable(this.worker, tables.downloads, tableShapes.downloads, 'readWrite');
    bindQueue(this.worker, queues.completions, queueShapes.completions, 'send');
    // The worker holds its batch's messages with a short, renewed lease (batchLease.ts), and a
    // suspended store's downloads by sending them again, delayed (a receive count never runs out).
    bindQueue(this.worker, queues.downloads, queueShapes.downloads, 'send', 'delay');
    const sourceBucketArns = props.sourceBuckets.map((name) => `arn:${Aws.PARTITION}:s3:::${name}`);
    bindBucket(this.worker, storage.mediaBucket, bucketShape.env, [
      new PolicyStatement({
        actions: workerObjectActions,
        resources: workerPrefixes.map((prefix) => storage.mediaBucket.arnForObjects(`${prefix}*`)),
      }),
      new PolicyStatement({ actions: bucketActions, resources: [storage.mediaBucket.bucketArn, ...sourceBucketArns] }),
      // An erasure removes every version of a user's objects by id, after listing them.
      new PolicyStatement({
        actions: erasureObjectActions,
        resources: [storage.mediaBucket.arnForObjects(`${listenerPrefix}*`)],
      }),
      new PolicyStatement({ actions: erasureBucketActions, resources: [storage.mediaBucket.bucketArn] }),
    ]);
    if (sourceBucketArns.length > 0) {
      this.worker.addToRolePolicy(
        new PolicyStatement({ actions: sourceObjectActions, resources: sourceBucketArns.map((arn) => `${arn}/*`) }),
      );
    }
    this.worker.addEventSource(sqsSource(queues.downloads, settings.downloads));

    // completion: library rows, session states, signed callbacks. The event source grants
    // consume rights; the callback backoff hides a message again (ChangeMessageVisibility); a
    // cancel's next chunk and its tracks' callbacks, and a recount's second walk, are sent to it.
    bindTable(this.completion, tables.stores, tableShapes.stores, 'read');
    bindTable(this.completion, tables.downloads, tableShapes.downloads, 'readWrite');
    bindTable(this.completion, tables.library, tableShapes.library, 'readWrite');
    bindQueue(this.completion, queues.completions, queueShapes.completions, 'send', 'delay');
    bindDecryptKey(this.completion, secrets.signingSecretsKey, secretsKeyEnv);
    this.completion.addEventSource(sqsSource(queues.completions, settings.completions));
    // The slow lane: a slow or failing store's callbacks are sent on to it and consumed on two
    // invocations of their own (settings.slowCallbacks), backed off there as on the main lane.
    bindQueue(this.completion, queues.slowCallbacks, queueShapes.slowCallbacks, 'send', 'delay');
    this.completion.addEventSource(sqsSource(queues.slowCallbacks, settings.slowCallbacks));

    // listener: reads the user's library rows and sessions; its presigned URLs are signed with
    // its own role, so they open only objects under users/ (GetObject, nothing else).
    // It writes one item of its own: the user's erasure record (DELETE /v1/me), in the library
    // table, and sends the erasure's first step to the erasures queue.
    bindTable(this.listener, tables.downloads, tableShapes.downloads, 'read');
    bindTable(this.listener, tables.library, tableShapes.library, 'readAndPut');
    bindQueue(this.listener, queues.erasures, queueShapes.erasures, 'send');
    bindBucket(this.listener, storage.mediaBucket, bucketShape.env, [
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [storage.mediaBucket.arnForObjects(`${listenerPrefix}*`)],
      }),
    ]);

    this.acknowledgeWorkerWildcards(storage, props.sourceBuckets);
    Validations.of(this.listener).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${this.bucketRef(storage)}/${listenerPrefix}*]`,
      reason:
        'Presigned play/download URLs name per-user keys known only at run time; the grant is GetObject under users/ only.',
    });
    // A table grant covers its indexes as `<table>/index/*`: the library's claims index, and the
    // downloads table's event index.
    const arnOf = (table: typeof tables.library) =>
      `<${Stack.of(this).getLogicalId(table.node.defaultChild as CfnResource)}.Arn>`;
    for (const fn of [this.api, this.worker, this.completion, this.listener]) {
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arnOf(tables.library)}/index/*]`,
        reason:
          "The library table's only index (claimsByTrack, its object-key claims by track), granted with the table.",
      });
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arnOf(tables.downloads)}/index/*]`,
        reason:
          "The downloads table's only index (eventsById, an event id to its session or track), granted with the table.",
      });
    }
  }

  /** The worker's object grants end in `/*` by nature; each one is acknowledged by name. */
  private bucketRef(storage: StorageConstruct): string {
    return `<${Stack.of(this).getLogicalId(storage.mediaBucket.node.defaultChild as CfnResource)}.Arn>`;
  }

  private acknowledgeWorkerWildcards(storage: StorageConstruct, sourceBuckets: readonly string[]): void {
    const bucketArn = this.bucketRef(storage);
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
