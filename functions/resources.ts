/**
 * The AWS resources trackdrop's functions use, described once: the CDK app creates them from
 * these shapes, the sandbox and tests create the same tables and queues on the emulators, and
 * the functions find them through the environment variables named here.
 */
export interface TableShape {
  /** Logical name: the CDK construct id and, locally, the table name. */
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Attribute holding a unix-seconds expiry for DynamoDB TTL. */
  readonly ttlAttribute?: string;
  /** Environment variable through which functions learn the table's real name. */
  readonly env: string;
  /** Global secondary indexes: a string partition key, and the attributes they carry besides the keys. */
  readonly indexes?: readonly IndexShape[];
}

export interface IndexShape {
  readonly name: string;
  readonly partitionKey: string;
  readonly include: readonly string[];
}

export const tables = {
  /** Stores and their API-key index: `store#<id>` and `key#<sha256 of key>` items. */
  stores: { name: 'trackdrop-stores', partitionKey: 'pk', env: 'TRACKDROP_STORES_TABLE' },
  /**
   * A download session and its tracks under one partition: the cookie. The `eventsById` index
   * finds the session or track behind a store's event id (its owner carried along), for the
   * event log's redelivery; only sessions and approved tracks carry an `eventId`.
   */
  downloads: {
    name: 'trackdrop-downloads',
    partitionKey: 'cookie',
    sortKey: 'sk',
    ttlAttribute: 'expiresAt',
    env: 'TRACKDROP_DOWNLOADS_TABLE',
    indexes: [{ name: 'eventsById', partitionKey: 'eventId', include: ['storeId'] }],
  },
  /** Predelivered licenses: user, then `<storeId>#<serviceTrackId>`. */
  licenses: {
    name: 'trackdrop-licenses',
    partitionKey: 'userId',
    sortKey: 'sk',
    ttlAttribute: 'ttl',
    env: 'TRACKDROP_LICENSES_TABLE',
  },
  /**
   * The user's library: `track#<storeId>#<serviceTrackId>` rows, `key#<object key>` claims and,
   * while the user is erased and for a while after, the `erasure` record.
   * The sparse `claimsByTrack` index holds only claims, by `<userId>#<storeId>#<serviceTrackId>`:
   * a failed track's clean-up reads its own claims, not every claim of the user.
   */
  library: {
    name: 'trackdrop-library',
    partitionKey: 'userId',
    sortKey: 'sk',
    // Only a user's erasure tombstone expires (core/erasure.ts); rows and claims never do.
    ttlAttribute: 'ttl',
    env: 'TRACKDROP_LIBRARY_TABLE',
    indexes: [{ name: 'claimsByTrack', partitionKey: 'claimOf', include: ['key'] }],
  },
} as const satisfies Record<string, TableShape>;

export interface QueueShape {
  readonly name: string;
  readonly dlqName: string;
  /** Environment variable carrying the queue URL. */
  readonly env: string;
}

export const queues = {
  downloads: { name: 'trackdrop-downloads', dlqName: 'trackdrop-downloads-dlq', env: 'TRACKDROP_DOWNLOADS_QUEUE_URL' },
  completions: {
    name: 'trackdrop-completions',
    dlqName: 'trackdrop-completions-dlq',
    env: 'TRACKDROP_COMPLETIONS_QUEUE_URL',
  },
  // The callbacks of stores whose receivers are slow or down, on a few invocations of their own.
  slowCallbacks: {
    name: 'trackdrop-slow-callbacks',
    dlqName: 'trackdrop-slow-callbacks-dlq',
    env: 'TRACKDROP_SLOW_CALLBACKS_QUEUE_URL',
  },
  // A user's erasure, one step a message (service/erasure/eraseStep.ts), taken by the worker.
  erasures: {
    name: 'trackdrop-erasures',
    dlqName: 'trackdrop-erasures-dlq',
    env: 'TRACKDROP_ERASURES_QUEUE_URL',
  },
} as const satisfies Record<string, QueueShape>;

export const bucket = { name: 'trackdrop-media', env: 'TRACKDROP_MEDIA_BUCKET' } as const;

/** Prefix for objects being uploaded from HTTPS sources before their tags name them. */
export const stagingPrefix = 'staging/';

/** KMS key that seals stores' signing secrets (on AWS). */
export const secretsKeyEnv = 'TRACKDROP_SECRETS_KEY_ID';
/** Base64 AES-256 key that seals them off AWS (sandbox, tests). */
export const localSecretsKeyEnv = 'TRACKDROP_LOCAL_SECRETS_KEY';
