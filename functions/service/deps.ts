import { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from '../adapters/clients.js';
import type { ResourceNames } from '../adapters/config.js';
import { CallbackSender } from '../adapters/callbackSender.js';
import { DownloadsRepo } from '../adapters/downloadsRepo.js';
import { LibraryRepo } from '../adapters/libraryRepo.js';
import { LicensesRepo } from '../adapters/licensesRepo.js';
import { MediaStore } from '../adapters/mediaStore.js';
import { fetchOrigin } from '../adapters/originFetcher.js';
import { QueueSender } from '../adapters/queues.js';
import { StoresRepo } from '../adapters/storesRepo.js';
import { readObjectFacts, type ObjectFacts } from '../adapters/tagReader.js';
import { fetchTrackFacts, type TrackFacts, type TrackRef } from '../adapters/trackFacts.js';
import { noTelemetry, type Telemetry } from '../adapters/telemetry.js';
import { RateLimiter } from '../core/rateLimiter.js';
import type { CompletionMessage, DownloadMessage } from '../core/types.js';
import type { TrackdropSettings } from '../settings.js';

/**
 * Everything the service functions touch, built once per container from the clients, so the
 * same code runs in Lambda, in the sandbox and in tests.
 */
export interface Deps {
  readonly settings: TrackdropSettings;
  readonly names: ResourceNames;
  readonly stores: StoresRepo;
  readonly downloads: DownloadsRepo;
  readonly licenses: LicensesRepo;
  readonly library: LibraryRepo;
  readonly downloadsQueue: QueueSender<DownloadMessage>;
  readonly completionsQueue: QueueSender<CompletionMessage>;
  readonly media: MediaStore;
  /** Size, type and tags of an object, from ranged reads. */
  readonly objectFacts: (bucket: string, key: string) => Promise<ObjectFacts>;
  readonly trackFacts: (refs: readonly TrackRef[]) => Promise<TrackFacts>;
  readonly fetchOrigin: typeof fetchOrigin;
  readonly callbacks: CallbackSender;
  readonly logger: Logger;
  readonly telemetry: Telemetry;
  /** Per-store request limits of this process (one Lambda container, or the sandbox). */
  readonly rateLimiter: RateLimiter;
}

export function buildDeps(clients: AwsClients, names: ResourceNames, settings: TrackdropSettings, logger?: Logger, telemetry: Telemetry = noTelemetry): Deps {
  const deps: Deps = {
    settings,
    names,
    stores: new StoresRepo(clients.ddb, names.tables.stores),
    downloads: new DownloadsRepo(clients.ddb, names.tables.downloads, settings.retention.finishedSessionDays * 86_400),
    licenses: new LicensesRepo(clients.ddb, names.tables.licenses),
    library: new LibraryRepo(clients.ddb, names.tables.library),
    downloadsQueue: new QueueSender(clients.sqs, names.queueUrls.downloads),
    completionsQueue: new QueueSender(clients.sqs, names.queueUrls.completions),
    media: new MediaStore(clients.s3, names.bucket),
    objectFacts: (bucket, key) =>
      readObjectFacts(clients.s3, bucket, key, (err) => deps.logger.warn('could not read tags', { bucket, key, error: err as Error })),
    trackFacts: (refs) => fetchTrackFacts(clients.ddb, names.tables, refs),
    fetchOrigin,
    callbacks: new CallbackSender(settings.callbacks.timeoutSeconds * 1000),
    logger: logger ?? new Logger({ serviceName: 'trackdrop' }),
    telemetry,
    rateLimiter: new RateLimiter(settings.limits.storeRatePerSecond, settings.limits.storeBurst),
  };
  return deps;
}
