import { createDynamoClients } from '../adapters/aws/dynamoClients.js';
import { createS3Client } from '../adapters/aws/s3Client.js';
import { createSqsClient } from '../adapters/aws/sqsClient.js';
import { ErasuresRepo } from '../adapters/erasuresRepo.js';
import { LicensesRepo } from '../adapters/licensesRepo.js';
import { MediaStore } from '../adapters/mediaStore.js';
import { fetchOrigin } from '../adapters/originFetcher.js';
import { QueueSender } from '../adapters/queues.js';
import { QueueVisibility } from '../adapters/queueVisibility.js';
import { TagParser } from '../adapters/tagParse/tagParser.js';
import { readObjectFacts } from '../adapters/tagReader.js';
import { fetchTrackFacts } from '../adapters/trackFacts.js';
import { UserFiles } from '../adapters/userFiles.js';
import { type DownloadMessage, type EraseMessage, messageTenant } from '../core/queueMessages.js';
import { bucket, queues, tables } from '../resources.js';
import type { WorkerDeps } from '../service/deps.js';
import { commonDeps } from './commonDeps.js';
import { readFunctionEnv } from './functionEnv.js';
import { type BuildOptions, type Instrument, noInstrument } from './instrument.js';

/** The worker's dependencies, from its environment. */
export function workerDepsFromEnv(env: NodeJS.ProcessEnv, opts: BuildOptions = {}): WorkerDeps {
  const vars = readFunctionEnv(env, 'worker');
  const instrument: Instrument = opts.instrument ?? noInstrument;
  const { ddb, dynamodb } = createDynamoClients(env);
  instrument(dynamodb);
  const sqs = instrument(createSqsClient(env));
  const s3 = instrument(createS3Client(env));
  const names = {
    stores: vars[tables.stores.env],
    downloads: vars[tables.downloads.env],
    licenses: vars[tables.licenses.env],
    library: vars[tables.library.env],
  };
  const common = commonDeps(env, 'worker', {
    ddb,
    sqs,
    tables: names,
    completionsQueueUrl: vars[queues.completions.env],
  });
  const tagParser = new TagParser({ deadlineMs: common.settings.limits.tagParseSeconds * 1000 });
  return {
    ...common,
    tagParser,
    downloadsVisibility: new QueueVisibility(sqs, vars[queues.downloads.env]),
    downloadsQueue: new QueueSender<DownloadMessage>(sqs, vars[queues.downloads.env], messageTenant),
    media: new MediaStore(s3, vars[bucket.env], common.settings.storage.storageClass),
    objectFacts: (b, key) =>
      readObjectFacts(s3, tagParser, b, key, (err) =>
        common.logger.warn('could not read tags', { bucket: b, key, error: err as Error }),
      ),
    trackFacts: (refs) => fetchTrackFacts(ddb, names, refs),
    fetchOrigin,
    // A user's erasure, whose steps the worker takes from their own queue.
    erasures: new ErasuresRepo(ddb, names.library),
    licenses: new LicensesRepo(ddb, names.licenses),
    userFiles: new UserFiles(s3, vars[bucket.env]),
    erasuresQueue: new QueueSender<EraseMessage>(sqs, vars[queues.erasures.env]),
  };
}
