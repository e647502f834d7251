import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { defaultSettings, type TrackdropSettings } from '../../functions/settings.js';
import { ApiConstruct } from './ApiConstruct.js';
import { FunctionsConstruct } from './FunctionsConstruct.js';
import { ListenerAuthConstruct, type ListenerIssuer } from './ListenerAuthConstruct.js';
import { MonitoringConstruct } from './MonitoringConstruct.js';
import { outputNames } from './outputNames.js';
import { QueuesConstruct } from './QueuesConstruct.js';
import { SecretsConstruct } from './SecretsConstruct.js';
import { StorageConstruct } from './StorageConstruct.js';
import { TablesConstruct } from './TablesConstruct.js';

export interface TrackdropStackProps extends StackProps {
  /** @default defaultSettings (stage 'dev') */
  readonly settings?: TrackdropSettings;
  /** Buckets stores may copy tracks from (`s3://` track URLs); the worker gets read-only access. */
  readonly sourceBuckets?: readonly string[];
  /** The locker's identity provider for the listener API; default: a Cognito user pool of the stack's own. */
  readonly listenerIssuer?: ListenerIssuer | undefined;
  /** Origins a locker page may call the API from (CORS). */
  readonly lockerOrigins?: readonly string[] | undefined;
}

/** The whole pipeline: API → downloads queue → worker → completions queue → completion. */
export class TrackdropStack extends Stack {
  public readonly settings: TrackdropSettings;
  public readonly tables: TablesConstruct;
  public readonly queues: QueuesConstruct;
  public readonly storage: StorageConstruct;
  public readonly secrets: SecretsConstruct;
  public readonly functions: FunctionsConstruct;
  public readonly api: ApiConstruct;
  public readonly listenerAuth: ListenerAuthConstruct;
  public readonly monitoring: MonitoringConstruct;

  constructor(scope: Construct, id: string, props: TrackdropStackProps = {}) {
    super(scope, id, props);
    const settings = props.settings ?? defaultSettings;
    this.settings = settings;
    const prod = settings.stage === 'prod';
    // Production data outlives the stack; a dev stack cleans up after itself.
    const removalPolicy = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = prod ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_MONTH;

    this.tables = new TablesConstruct(this, 'Tables', { removalPolicy, deletionProtection: prod, settings });
    this.queues = new QueuesConstruct(this, 'Queues', { settings });
    this.storage = new StorageConstruct(this, 'Storage', { settings, removalPolicy });
    this.secrets = new SecretsConstruct(this, 'Secrets', { removalPolicy });
    this.functions = new FunctionsConstruct(this, 'Functions', {
      settings,
      tables: this.tables,
      queues: this.queues,
      storage: this.storage,
      secrets: this.secrets,
      sourceBuckets: props.sourceBuckets ?? [],
      logRetention,
      removalPolicy,
    });
    this.listenerAuth = new ListenerAuthConstruct(this, 'ListenerAuth', {
      issuer: props.listenerIssuer,
      removalPolicy,
    });
    this.api = new ApiConstruct(this, 'Api', {
      settings,
      apiFunction: this.functions.api,
      listenerFunction: this.functions.listener,
      listenerIssuer: { issuer: this.listenerAuth.issuer, audience: this.listenerAuth.audience },
      lockerOrigins: props.lockerOrigins,
      logRetention,
      removalPolicy,
    });
    this.monitoring = new MonitoringConstruct(this, 'Monitoring', {
      settings,
      api: this.api,
      queues: this.queues,
      functions: this.functions,
    });
    this.addOutputs();
  }

  /** What the operator CLI reads back after a deploy. */
  private addOutputs(): void {
    const outputs: Record<keyof typeof outputNames, [string, string]> = {
      apiUrl: [this.api.url, 'Base URL of the store-facing API'],
      mediaBucketName: [this.storage.mediaBucket.bucketName, 'Bucket holding users/{userId}/Music/'],
      storesTableName: [this.tables.stores.tableName, 'Stores and their API-key hashes'],
      downloadsTableName: [this.tables.downloads.tableName, 'Download sessions and their tracks'],
      licensesTableName: [this.tables.licenses.tableName, 'Predelivered licenses'],
      libraryTableName: [this.tables.library.tableName, "Users' library rows and key claims"],
      downloadsQueueUrl: [this.queues.downloads.queueUrl, 'Tracks waiting for the worker'],
      completionsQueueUrl: [this.queues.completions.queueUrl, 'Finished tracks waiting for their store callback'],
      downloadsDlqUrl: [this.queues.downloadsDlq.queueUrl, 'Dead-lettered download messages'],
      completionsDlqUrl: [this.queues.completionsDlq.queueUrl, 'Dead-lettered completion messages'],
      slowCallbacksQueueUrl: [
        this.queues.slowCallbacks.queueUrl,
        'Callbacks of stores whose receivers are slow or down',
      ],
      slowCallbacksDlqUrl: [this.queues.slowCallbacksDlq.queueUrl, 'Dead-lettered callbacks of slow stores'],
      erasuresQueueUrl: [this.queues.erasures.queueUrl, "Steps of users' erasures, taken by the worker"],
      erasuresDlqUrl: [this.queues.erasuresDlq.queueUrl, 'Dead-lettered erasure steps (a stalled erasure)'],
      secretsKeyId: [this.secrets.signingSecretsKey.keyId, 'KMS key that encrypts store signing secrets'],
      listenerIssuer: [this.listenerAuth.issuer, 'Issuer of the JWTs the listener API (/v1/me/…) accepts'],
      listenerAudience: [this.listenerAuth.audience.join(','), 'Audience those JWTs must carry'],
    };
    for (const [key, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, outputNames[key as keyof typeof outputNames], { value, description });
    }
  }
}
