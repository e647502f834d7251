import { createDynamoClients } from '../adapters/aws/dynamoClients.js';
import { createSqsClient } from '../adapters/aws/sqsClient.js';
import { ErasuresRepo } from '../adapters/erasuresRepo.js';
import { EventsRepo } from '../adapters/eventsRepo.js';
import { LicensesRepo } from '../adapters/licensesRepo.js';
import { QueueSender } from '../adapters/queues.js';
import { fetchTrackFacts } from '../adapters/trackFacts.js';
import { type DownloadMessage, messageTenant } from '../core/queueMessages.js';
import { RateLimiter } from '../core/rateLimiter.js';
import { bucket, queues, tables } from '../resources.js';
import type { ApiDeps } from '../service/deps.js';
import { commonDeps } from './commonDeps.js';

// The downloads table's one index: from an event id to its session or track.
const eventsIndex = tables.downloads.indexes[0].name;

import { readFunctionEnv } from './functionEnv.js';
import { type BuildOptions, noInstrument } from './instrument.js';

/**
 * The api function's dependencies, from its environment: what `functions/handlers/api.ts` runs
 * on Lambda, and what the sandbox, tests and benchmark run with an environment of their own.
 * The api reads the stores table only to authenticate; it never sees a signing secret.
 */
export function apiDepsFromEnv(env: NodeJS.ProcessEnv, opts: BuildOptions = {}): ApiDeps {
  const vars = readFunctionEnv(env, 'api');
  const instrument = opts.instrument ?? noInstrument;
  const { ddb, dynamodb } = createDynamoClients(env);
  instrument(dynamodb);
  const sqs = instrument(createSqsClient(env));
  const names = {
    stores: vars[tables.stores.env],
    downloads: vars[tables.downloads.env],
    licenses: vars[tables.licenses.env],
    library: vars[tables.library.env],
  };
  const common = commonDeps(env, 'api', { ddb, sqs, tables: names, completionsQueueUrl: vars[queues.completions.env] });
  return {
    ...common,
    licenses: new LicensesRepo(ddb, names.licenses),
    erasures: new ErasuresRepo(ddb, names.library),
    events: new EventsRepo(ddb, names.downloads, eventsIndex),
    downloadsQueue: new QueueSender<DownloadMessage>(sqs, vars[queues.downloads.env], messageTenant),
    rateLimiter: new RateLimiter(common.settings.limits.storeRatePerSecond, common.settings.limits.storeBurst),
    trackFacts: (refs) => fetchTrackFacts(ddb, names, refs),
    ownBuckets: [vars[bucket.env]],
  };
}
