import { DownloadsRepo } from '../adapters/downloadsRepo.js';
import { LibraryRepo } from '../adapters/libraryRepo.js';
import { QueueSender } from '../adapters/queues.js';
import { StoresRepo } from '../adapters/storesRepo.js';
import type { CommonDeps, DepsInput } from './deps.js';

export function buildCommonDeps(i: DepsInput): CommonDeps {
  return {
    settings: i.settings,
    names: i.names,
    logger: i.logger,
    telemetry: i.telemetry,
    stores: new StoresRepo(i.ddb, i.names.tables.stores, i.secretBox),
    downloads: new DownloadsRepo(i.ddb, i.names.tables.downloads, i.settings.retention.finishedSessionDays * 86_400),
    library: new LibraryRepo(i.ddb, i.names.tables.library),
    completionsQueue: new QueueSender(i.sqs, i.names.queueUrls.completions),
  };
}
