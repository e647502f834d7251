/**
 * One typed settings object for every place trackdrop runs: the CDK app reads it to size
 * functions, queues and event sources, and the local sandbox reads the very same values to
 * drive its pollers, so the two cannot drift apart.
 */
export interface FunctionSettings {
  /** Lambda memory in MB. */
  readonly memoryMb: number;
  /** Lambda timeout in seconds. */
  readonly timeoutSeconds: number;
}

export interface QueueConsumerSettings {
  /** Records per invocation (SQS event source BatchSize). */
  readonly batchSize: number;
  /** Seconds the event source may wait to fill a batch (MaximumBatchingWindowInSeconds). */
  readonly batchingWindowSeconds: number;
  /** Concurrent invocations the event source may run (ScalingConfig.MaximumConcurrency, ≥ 2 on AWS). */
  readonly maxConcurrency: number;
  /** Receives before a message moves to the queue's DLQ. */
  readonly maxReceiveCount: number;
  /** How long the DLQ keeps a message, in days. */
  readonly dlqRetentionDays: number;
}

/** S3 storage classes a track may land in (the media bucket's final keys; staging objects stay Standard). */
export type StorageClass = 'STANDARD' | 'INTELLIGENT_TIERING' | 'STANDARD_IA' | 'GLACIER_IR';

export interface TableCapacity {
  readonly readUnits: number;
  readonly writeUnits: number;
}

export interface TrackdropSettings {
  readonly stage: 'dev' | 'prod';
  readonly storage: {
    /**
     * Where tracks land. Intelligent-Tiering suits a locker whose tracks are mostly cold: no
     * retrieval fee, moved down after 30 and 90 days without access (bench/COST.md models it).
     */
    readonly storageClass: StorageClass;
  };
  readonly tables: {
    /**
     * DynamoDB capacity mode. On demand needs no sizing and is the default; provisioned is
     * cheaper for a steady load (bench/COST.md models both) and takes the units below per table.
     */
    readonly billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
    readonly provisioned: {
      readonly stores: TableCapacity;
      readonly downloads: TableCapacity;
      readonly licenses: TableCapacity;
      readonly library: TableCapacity;
    };
  };
  readonly functions: {
    readonly api: FunctionSettings;
    readonly worker: FunctionSettings;
    readonly completion: FunctionSettings;
    readonly listener: FunctionSettings;
  };
  /** The listener API (`/v1/me/…`): who a token names, and how long a file URL lasts. */
  readonly listener: {
    /** The JWT claim holding the user id, held to the userId rules (`sub` by default). */
    readonly userIdClaim: string;
    /** Lifetime of a presigned play/download URL, in seconds. */
    readonly urlTtlSeconds: number;
    /** Scopes a token must carry one of, when set (API Gateway's authorization scopes). */
    readonly scopes: readonly string[];
    /** Items in one page of the library (default; at most 1000). */
    readonly pageSize: number;
  };
  readonly downloads: QueueConsumerSettings;
  readonly completions: QueueConsumerSettings;
  /**
   * The slow lane: the callbacks of a store whose receiver was slow or failed, consumed by the
   * completion function on invocations of their own, so that store holds at most these.
   */
  readonly slowCallbacks: QueueConsumerSettings;
  /** Erasure steps (the worker takes them): one a message, on two invocations at most. */
  readonly erasures: QueueConsumerSettings;
  readonly limits: {
    /** Largest request body the API accepts, in bytes. */
    readonly maxBodyBytes: number;
    /** Tracks in one batch DownloadTrack call. */
    readonly maxBatchTracks: number;
    /** Containers in one session's container list. */
    readonly maxContainers: number;
    /** downloadParams length in bytes (UTF-8). */
    readonly maxDownloadParamsBytes: number;
    /** Largest track the worker copies, in bytes. */
    readonly maxTrackBytes: number;
    /** Redirects followed when fetching an HTTPS source. */
    readonly maxRedirects: number;
    /**
     * Seconds to wait for an origin's response headers; also the window of the body's rate
     * check: a window with no byte is a stall (retried), one with fewer than
     * `minOriginBytesPerSecond` × the window is too slow (failed at once).
     */
    readonly originTimeoutSeconds: number;
    /** Slowest body an origin may send, in bytes per second, over each `originTimeoutSeconds` window. */
    readonly minOriginBytesPerSecond: number;
    /**
     * Longest one fetch may take, headers to last byte, in seconds. Each fetch also ends
     * `workerReserveSeconds` before the invocation's own time runs out.
     */
    readonly originDeadlineSeconds: number;
    /** Time the worker keeps back at the end of an invocation to record outcomes. */
    readonly workerReserveSeconds: number;
    /**
     * Longest the tag parser may work on one file, in seconds, not counting its waits for the
     * file's bytes. A parse that does not end (a crafted file) fails its track with
     * E_TAGS_UNREADABLE when it passes this.
     */
    readonly tagParseSeconds: number;
    /** Longest stored value of one text tag (title, artist, album…), in UTF-8 bytes; longer ones are cut. */
    readonly maxTagBytes: number;
    /** Per-store request rate (steady, per second) and burst, kept by the api function. */
    readonly storeRatePerSecond: number;
    readonly storeBurst: number;
    /**
     * The API Gateway stage's rate and burst: all stores together. Sized for a launch at 1,000
     * tracks/s (licenses and DownloadTracks one by one, plus status polls), under the account's
     * regional default of 10,000 requests/s and 5,000 burst.
     */
    readonly apiRatePerSecond: number;
    readonly apiBurst: number;
    /** Tracks a cancel ends per background chunk (one Query and its writes, per shard). */
    readonly cancelChunkTracks: number;
    /**
     * Seconds a retried session open waits before it asks for the session's `Download` event
     * again: by then the first request's event has usually been told, and a told session is
     * skipped; the ask only repairs an event the first request never queued.
     */
    readonly sessionRepairDelaySeconds: number;
    /** Seconds a session's counts may sit unmoved while they disagree with its tracks before a status read asks for a recount. */
    readonly recountStaleSeconds: number;
    /**
     * Seconds between a recount's two walks of the tracks: at least the longest function
     * timeout, so every invocation that moved a track before the first walk has ended and
     * written its counts (at most 900, SQS's longest delay).
     */
    readonly recountSettleSeconds: number;
    /** How long a suspended store's download waits before the worker looks at it again. */
    readonly suspendedHoldSeconds: number;
  };
  /**
   * How the worker holds the downloads it works on: it sets their visibility itself and renews
   * it while it works, so a killed invocation's tracks come back within `leaseSeconds`, not after
   * the queue's own timeout (six times the function's, which Lambda requires to be at least it).
   */
  readonly downloadLease: {
    /** A message stays hidden this long past its last renewal (renewed every third of it). */
    readonly leaseSeconds: number;
    /** A track to be retried waits this long before its next receive, four times longer each time. */
    readonly retryBaseSeconds: number;
    /** The longest wait before a retry. */
    readonly retryMaxSeconds: number;
  };
  readonly callbacks: {
    /** First retry delay for a failed store callback, doubled on every attempt. */
    readonly baseBackoffSeconds: number;
    /** Longest delay between callback attempts (SQS allows at most 12 h). */
    readonly maxBackoffSeconds: number;
    /** Seconds to wait for the store's endpoint to answer. */
    readonly timeoutSeconds: number;
    /** A callback that takes longer than this, or fails, sends its store's callbacks to the slow lane. */
    readonly slowMs: number;
    /** How long a store stays in the slow lane after its last slow or failed callback. */
    readonly slowLaneSeconds: number;
    /** Slow or failed callbacks in a row that send a store to the slow lane. */
    readonly slowStreak: number;
    /**
     * Days of events `GET /v1/events` lists (their sessions' age): at most
     * retention.finishedSessionDays, since the log is read from the sessions and tracks kept.
     */
    readonly eventLogDays: number;
  };
  readonly erasure: {
    /** Days after an erasure that licenses, sessions and DownloadTracks for the user are refused (409 user_erased). */
    readonly tombstoneDays: number;
    /** Items (or objects) one erasure step removes at most: a step is one completion record's work. */
    readonly stepItems: number;
    /**
     * How long after it starts the erasure waits before it deletes (see erasureSettleSeconds):
     * by default the longest function timeout and a margin, so no invocation that read "not
     * erasing" before it began can still write.
     */
    readonly settleSeconds?: number | undefined;
  };
  readonly retention: {
    /** Days a finished session and its tracks are kept before DynamoDB TTL removes them. */
    readonly finishedSessionDays: number;
    /** Days an unfinished multipart upload or staging object may linger in the bucket. */
    readonly stagingDays: number;
    /**
     * Days the media bucket keeps a file's replaced or deleted version: a wrong delete (a bug,
     * an operator, the re-download that replaces a file) can be undone that long.
     */
    readonly noncurrentVersionDays: number;
  };
}

export const defaultSettings: TrackdropSettings = {
  stage: 'dev',
  storage: { storageClass: 'INTELLIGENT_TIERING' },
  tables: {
    billingMode: 'PAY_PER_REQUEST',
    // Sized for a steady 1,000 tracks/s (docs/scale.md): used only in PROVISIONED mode.
    provisioned: {
      stores: { readUnits: 100, writeUnits: 5 },
      downloads: { readUnits: 2_000, writeUnits: 3_500 },
      licenses: { readUnits: 1_000, writeUnits: 1_100 },
      library: { readUnits: 1_000, writeUnits: 2_200 },
    },
  },
  functions: {
    api: { memoryMb: 512, timeoutSeconds: 10 },
    worker: { memoryMb: 1024, timeoutSeconds: 300 },
    completion: { memoryMb: 256, timeoutSeconds: 30 },
    listener: { memoryMb: 256, timeoutSeconds: 10 },
  },
  listener: {
    userIdClaim: 'sub',
    urlTtlSeconds: 300,
    scopes: [],
    pageSize: 200,
  },
  downloads: {
    batchSize: 10,
    batchingWindowSeconds: 1,
    maxConcurrency: 20,
    maxReceiveCount: 5,
    dlqRetentionDays: 14,
  },
  completions: {
    batchSize: 10,
    batchingWindowSeconds: 1,
    maxConcurrency: 10,
    // Callbacks retry with backoff for a long while before giving up: a store's endpoint may be
    // down for hours, and DownloadTrackComplete is owed for every track.
    maxReceiveCount: 30,
    dlqRetentionDays: 14,
  },
  // Two invocations, Lambda's least: a slow store's callbacks never take more of the pipeline.
  slowCallbacks: {
    batchSize: 10,
    batchingWindowSeconds: 1,
    maxConcurrency: 2,
    maxReceiveCount: 30,
    dlqRetentionDays: 14,
  },
  // One step an invocation, two at once (Lambda's least): an erasure's deletes never crowd the
  // downloads the worker is there for, and its steps of 1,000 items take seconds.
  erasures: {
    batchSize: 1,
    batchingWindowSeconds: 0,
    maxConcurrency: 2,
    maxReceiveCount: 10,
    dlqRetentionDays: 14,
  },
  limits: {
    maxBodyBytes: 2 * 1024 * 1024,
    maxBatchTracks: 100,
    maxContainers: 100,
    maxDownloadParamsBytes: 16 * 1024,
    maxTrackBytes: 5 * 1024 * 1024 * 1024,
    maxRedirects: 3,
    originTimeoutSeconds: 30,
    // 16 KiB/s is a 128 kbit/s stream: a store's CDN sends hundreds of times that.
    minOriginBytesPerSecond: 16 * 1024,
    originDeadlineSeconds: 240,
    workerReserveSeconds: 10,
    // A real file's tags parse in milliseconds; only a parse that loops comes near this.
    tagParseSeconds: 5,
    maxTagBytes: 1024,
    storeRatePerSecond: 100,
    storeBurst: 200,
    apiRatePerSecond: 3000,
    apiBurst: 5000,
    cancelChunkTracks: 100,
    sessionRepairDelaySeconds: 30,
    recountStaleSeconds: 600,
    recountSettleSeconds: 360,
    // SQS's longest delay: a suspended store's download is looked at again every 15 minutes.
    suspendedHoldSeconds: 900,
  },
  // A kill costs a track a minute. Retries wait 1, 4, 16 and 30 minutes (with jitter): a blip
  // is retried soon, and an origin that is down has about 50 minutes to come back.
  downloadLease: {
    leaseSeconds: 60,
    retryBaseSeconds: 60,
    retryMaxSeconds: 1_800,
  },
  callbacks: {
    baseBackoffSeconds: 2,
    maxBackoffSeconds: 15 * 60,
    timeoutSeconds: 10,
    slowMs: 2_000,
    slowLaneSeconds: 300,
    slowStreak: 3,
    eventLogDays: 30,
  },
  erasure: {
    tombstoneDays: 30,
    stepItems: 1_000,
  },
  retention: {
    finishedSessionDays: 90,
    stagingDays: 1,
    noncurrentVersionDays: 30,
  },
};

/**
 * A production stack's capacity: what sustains 1,000 tracks/s (docs/scale.md has the
 * arithmetic). Worker: 100 batches of 10 a second at about 1.5 s each (8 MB per track at a
 * function's ~75 MB/s, ten at once) keep ~150 invocations busy, so 200 leaves headroom.
 * Completion: 100 batches a second at up to 1 s (ten callbacks at once) is ~100. The sandbox
 * and tests keep the small defaults: 200 invocations in one process on a laptop help nobody.
 */
export const launchCapacity = {
  downloads: { batchSize: 10, maxConcurrency: 200 },
  completions: { batchSize: 10, maxConcurrency: 100 },
} as const;

/** The settings the CDK app deploys a stage with: prod gets the launch capacity. */
export function settingsForStage(stage: TrackdropSettings['stage']): TrackdropSettings {
  if (stage === 'dev') return { ...defaultSettings, stage };
  return {
    ...defaultSettings,
    stage,
    downloads: { ...defaultSettings.downloads, ...launchCapacity.downloads },
    completions: { ...defaultSettings.completions, ...launchCapacity.completions },
  };
}

/**
 * How long an erasure waits between its start and its first delete: the longest function
 * timeout (an invocation that checked the user before the erasure began ends by then) and 30 s,
 * unless the settings say otherwise.
 */
export function erasureSettleSeconds(s: TrackdropSettings): number {
  return s.erasure.settleSeconds ?? Math.max(...Object.values(s.functions).map((f) => f.timeoutSeconds)) + 30;
}

/** Visibility timeout for a queue consumed by a function: six times its timeout, as AWS advises. */
export function visibilityTimeoutSeconds(fn: FunctionSettings): number {
  return fn.timeoutSeconds * 6;
}

/** Environment variable carrying the deployed stack's settings, so the code sees what the infrastructure was built with. */
export const settingsEnv = 'TRACKDROP_SETTINGS';

/** The settings a function runs with: the deployed ones when the stack passed them, else the defaults. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): TrackdropSettings {
  const raw = env[settingsEnv];
  if (!raw) return defaultSettings;
  const given = JSON.parse(raw) as Partial<TrackdropSettings>;
  return {
    ...defaultSettings,
    ...given,
    storage: { ...defaultSettings.storage, ...given.storage },
    tables: { ...defaultSettings.tables, ...given.tables },
    functions: { ...defaultSettings.functions, ...given.functions },
    downloads: { ...defaultSettings.downloads, ...given.downloads },
    listener: { ...defaultSettings.listener, ...given.listener },
    completions: { ...defaultSettings.completions, ...given.completions },
    slowCallbacks: { ...defaultSettings.slowCallbacks, ...given.slowCallbacks },
    erasures: { ...defaultSettings.erasures, ...given.erasures },
    limits: { ...defaultSettings.limits, ...given.limits },
    callbacks: { ...defaultSettings.callbacks, ...given.callbacks },
    downloadLease: { ...defaultSettings.downloadLease, ...given.downloadLease },
    erasure: { ...defaultSettings.erasure, ...given.erasure },
    retention: { ...defaultSettings.retention, ...given.retention },
  };
}
