import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CallbackSender } from '../adapters/callbackSender.js';
import type { ResourceNames } from '../adapters/config.js';
import type { SecretBox } from '../adapters/secrets/secretBox.js';
import type { DownloadsRepo } from '../adapters/downloadsRepo.js';
import type { FileUrls } from '../adapters/fileUrls.js';
import type { LibraryRepo } from '../adapters/libraryRepo.js';
import type { LicensesRepo } from '../adapters/licensesRepo.js';
import type { MediaStore } from '../adapters/mediaStore.js';
import type { fetchOrigin } from '../adapters/originFetcher.js';
import type { QueueSender } from '../adapters/queues.js';
import type { StoresRepo } from '../adapters/storesRepo.js';
import type { ObjectFacts } from '../adapters/tagReader.js';
import type { Telemetry } from '../adapters/telemetry.js';
import type { TrackFacts, TrackRef } from '../adapters/trackFacts.js';
import type { RateLimiter } from '../core/rateLimiter.js';
import type { CompletionMessage, DownloadMessage } from '../core/types.js';
import type { TrackdropSettings } from '../settings.js';

/**
 * What the service code touches, built once per container and passed in, so the same code runs
 * in Lambda, in the sandbox and in tests. Each function gets only its own part: a function's
 * bundle carries only the adapters it uses.
 */
export interface CommonDeps {
  readonly settings: TrackdropSettings;
  readonly names: ResourceNames;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly stores: StoresRepo;
  readonly downloads: DownloadsRepo;
  readonly library: LibraryRepo;
  readonly completionsQueue: QueueSender<CompletionMessage>;
}

export interface ApiDeps extends CommonDeps {
  readonly licenses: LicensesRepo;
  readonly downloadsQueue: QueueSender<DownloadMessage>;
  /** Per-store request limits of this process (one Lambda container, or the sandbox). */
  readonly rateLimiter: RateLimiter;
  readonly trackFacts: (refs: readonly TrackRef[]) => Promise<TrackFacts>;
}

export interface WorkerDeps extends CommonDeps {
  readonly media: MediaStore;
  /** Size, type and tags of an object, from ranged reads. */
  readonly objectFacts: (bucket: string, key: string) => Promise<ObjectFacts>;
  /** Licenses and library rows of a batch, in one read. */
  readonly trackFacts: (refs: readonly TrackRef[]) => Promise<TrackFacts>;
  readonly fetchOrigin: typeof fetchOrigin;
}

export interface CompletionDeps extends CommonDeps {
  readonly callbacks: CallbackSender;
}

/** The listener API: the user's own library rows, sessions and files, nothing of the stores'. */
export interface ListenerDeps {
  readonly settings: TrackdropSettings;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly downloads: DownloadsRepo;
  readonly library: LibraryRepo;
  readonly fileUrls: FileUrls;
}

/** All of it: the sandbox and tests run every function in one process. */
export type Deps = ApiDeps & WorkerDeps & CompletionDeps & ListenerDeps;

/** What every builder starts from. */
export interface DepsInput {
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly names: ResourceNames;
  readonly settings: TrackdropSettings;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  /** Only where signing secrets are written or read (the completion function, the operator CLI). */
  readonly secretBox?: SecretBox | undefined;
}

export type WorkerDepsInput = DepsInput & { readonly s3: S3Client };
