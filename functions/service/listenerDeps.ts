import { DownloadsRepo } from '../adapters/downloadsRepo.js';
import { FileUrls } from '../adapters/fileUrls.js';
import { LibraryRepo } from '../adapters/libraryRepo.js';
import type { ListenerDeps, WorkerDepsInput } from './deps.js';

/** The listener function's own part: two tables to read, one bucket to sign URLs for. */
export function buildListenerDeps(i: WorkerDepsInput): ListenerDeps {
  return {
    settings: i.settings,
    logger: i.logger,
    telemetry: i.telemetry,
    downloads: new DownloadsRepo(i.ddb, i.names.tables.downloads, i.settings.retention.finishedSessionDays * 86_400),
    library: new LibraryRepo(i.ddb, i.names.tables.library),
    fileUrls: new FileUrls(i.s3, i.names.bucket),
  };
}
