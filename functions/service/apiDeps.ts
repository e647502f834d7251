import { LicensesRepo } from '../adapters/licensesRepo.js';
import { QueueSender } from '../adapters/queues.js';
import { fetchTrackFacts } from '../adapters/trackFacts.js';
import { RateLimiter } from '../core/rateLimiter.js';
import { buildCommonDeps } from './commonDeps.js';
import type { ApiDeps, DepsInput } from './deps.js';

export function buildApiDeps(i: DepsInput): ApiDeps {
  return {
    ...buildCommonDeps(i),
    licenses: new LicensesRepo(i.ddb, i.names.tables.licenses),
    downloadsQueue: new QueueSender(i.sqs, i.names.queueUrls.downloads),
    rateLimiter: new RateLimiter(i.settings.limits.storeRatePerSecond, i.settings.limits.storeBurst),
    trackFacts: (refs) => fetchTrackFacts(i.ddb, i.names.tables, refs),
  };
}
