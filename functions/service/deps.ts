import type { Logger } from '@aws-lambda-powertools/logger';
import type { CallbackSender } from '../adapters/callbackSender.js';
import type { CountsRepo } from '../adapters/countsRepo.js';
import type { ErasuresRepo } from '../adapters/erasuresRepo.js';
import type { EventsRepo } from '../adapters/eventsRepo.js';
import type { FileUrls } from '../adapters/fileUrls.js';
import type { LibraryRepo } from '../adapters/libraryRepo.js';
import type { LicensesRepo } from '../adapters/licensesRepo.js';
import type { MediaStore } from '../adapters/mediaStore.js';
import type { OpenApiSource } from '../adapters/openApiFile.js';
import type { fetchOrigin } from '../adapters/originFetcher.js';
import type { QueueSender } from '../adapters/queues.js';
import type { QueueVisibility } from '../adapters/queueVisibility.js';
import type { SessionsRepo } from '../adapters/sessionsRepo.js';
import type { StoresRepo } from '../adapters/storesRepo.js';
import type { TagParser } from '../adapters/tagParse/tagParser.js';
import type { ObjectFacts } from '../adapters/tagReader.js';
import type { Telemetry } from '../adapters/telemetry.js';
import type { TrackFacts, TrackRef } from '../adapters/trackFacts.js';
import type { TracksRepo } from '../adapters/tracksRepo.js';
import type { UserFiles } from '../adapters/userFiles.js';
import type { DownloadMessage, EraseMessage, OutgoingCompletion } from '../core/queueMessages.js';
import type { RateLimiter } from '../core/rateLimiter.js';
import type { TrackdropSettings } from '../settings.js';
import type { SlowStores } from './completion/slowLane.js';

/**
 * What the service code touches, built once per container from the function's environment
 * (functions/runtime/*DepsFromEnv.ts) and passed in, so the same code runs in Lambda, in the
 * sandbox and in tests. Each function gets only its own part: a function's bundle carries only
 * the adapters it uses.
 */
export interface CommonDeps {
  readonly settings: TrackdropSettings;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly stores: StoresRepo;
  readonly sessions: SessionsRepo;
  readonly tracks: TracksRepo;
  readonly counts: CountsRepo;
  readonly library: LibraryRepo;
  readonly completionsQueue: QueueSender<OutgoingCompletion>;
}

export interface ApiDeps extends CommonDeps {
  readonly licenses: LicensesRepo;
  /** Users being erased, whose licenses and sessions are refused. */
  readonly erasures: ErasuresRepo;
  /** The event log's way from an event id to its record (POST /v1/events/{id}/redeliver). */
  readonly events: EventsRepo;
  readonly downloadsQueue: QueueSender<DownloadMessage>;
  /** Per-store request limits of this process (one Lambda container, or the sandbox). */
  readonly rateLimiter: RateLimiter;
  readonly trackFacts: (refs: readonly TrackRef[]) => Promise<TrackFacts>;
  /** Buckets of trackdrop's own (the media bucket): never a track source, whatever an allowlist says. */
  readonly ownBuckets: readonly string[];
}

/**
 * What a user's erasure needs: its record, what its steps delete besides the common tables,
 * and the queue its next step goes to. The worker runs the steps (it has the S3 client and the
 * user-folder grants already), so the completion function keeps no delete rights.
 */
export interface EraserDeps extends CommonDeps {
  readonly erasures: ErasuresRepo;
  readonly licenses: LicensesRepo;
  readonly userFiles: UserFiles;
  readonly erasuresQueue: QueueSender<EraseMessage>;
}

export interface WorkerDeps extends EraserDeps {
  readonly media: MediaStore;
  /** The downloads queue's visibility, which the worker holds for the batch it works on. */
  readonly downloadsVisibility: QueueVisibility;
  /** The downloads queue, where a suspended store's downloads are sent again to wait. */
  readonly downloadsQueue: QueueSender<DownloadMessage>;
  /** Size, type and tags of an object, from ranged reads. */
  readonly objectFacts: (bucket: string, key: string) => Promise<ObjectFacts>;
  /** Tag parsing in threads of its own, with a deadline (TagParser). */
  readonly tagParser: TagParser;
  /** Licenses and library rows of a batch, in one read. */
  readonly trackFacts: (refs: readonly TrackRef[]) => Promise<TrackFacts>;
  readonly fetchOrigin: typeof fetchOrigin;
}

export interface CompletionDeps extends CommonDeps {
  readonly callbacks: CallbackSender;
  /** The slow lane: where the callbacks of a store whose receiver is slow or down are sent on. */
  readonly slowLane: QueueSender<OutgoingCompletion>;
  readonly slowStores: SlowStores;
}

/** The listener API: the user's own library rows, sessions and files, nothing of the stores'. */
export interface ListenerDeps {
  readonly settings: TrackdropSettings;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  readonly sessions: SessionsRepo;
  readonly counts: CountsRepo;
  readonly library: LibraryRepo;
  readonly fileUrls: FileUrls;
  /** The listener's own erasure (DELETE /v1/me), whose first step goes to the erasures queue. */
  readonly erasures: ErasuresRepo;
  readonly erasuresQueue: QueueSender<EraseMessage>;
  /** The OpenAPI document of both APIs, for the deployment's settings. */
  readonly openApi: OpenApiSource;
}
