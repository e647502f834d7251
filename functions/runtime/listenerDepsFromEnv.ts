import { createDynamoClients } from '../adapters/aws/dynamoClients.js';
import { createS3Client } from '../adapters/aws/s3Client.js';
import { createSqsClient } from '../adapters/aws/sqsClient.js';
import { CountsRepo } from '../adapters/countsRepo.js';
import { ErasuresRepo } from '../adapters/erasuresRepo.js';
import { FileUrls } from '../adapters/fileUrls.js';
import { LibraryRepo } from '../adapters/libraryRepo.js';
import type { OpenApiSource } from '../adapters/openApiFile.js';
import { QueueSender } from '../adapters/queues.js';
import { SessionsRepo } from '../adapters/sessionsRepo.js';
import type { EraseMessage } from '../core/queueMessages.js';
import { bucket, queues, tables } from '../resources.js';
import type { ListenerDeps } from '../service/deps.js';
import { settingsFromEnv } from '../settings.js';
import { readFunctionEnv } from './functionEnv.js';
import { type BuildOptions, noInstrument } from './instrument.js';
import { loggerFromEnv, telemetryFromEnv } from './observability.js';

/**
 * The listener function's dependencies, from its environment: two tables it reads (and the
 * user's erasure record it writes), the erasures queue an erasure starts on, and the bucket
 * it signs URLs for. Its S3 client never sends a request; it signs with the role's
 * credentials, so a URL opens only what the role may read. The OpenAPI document comes from
 * where the host keeps it: a file in the bundle on Lambda, generated from the sources elsewhere.
 */
export function listenerDepsFromEnv(
  env: NodeJS.ProcessEnv,
  openApi: OpenApiSource,
  opts: BuildOptions = {},
): ListenerDeps {
  const vars = readFunctionEnv(env, 'listener');
  const instrument = opts.instrument ?? noInstrument;
  const { ddb, dynamodb } = createDynamoClients(env);
  instrument(dynamodb);
  const s3 = instrument(createS3Client(env));
  const settings = settingsFromEnv(env);
  const retentionSeconds = settings.retention.finishedSessionDays * 86_400;
  return {
    settings,
    logger: loggerFromEnv(env, 'listener'),
    telemetry: telemetryFromEnv(env),
    sessions: new SessionsRepo(ddb, vars[tables.downloads.env], retentionSeconds),
    counts: new CountsRepo(ddb, vars[tables.downloads.env], retentionSeconds),
    library: new LibraryRepo(ddb, vars[tables.library.env]),
    fileUrls: new FileUrls(s3, vars[bucket.env]),
    erasures: new ErasuresRepo(ddb, vars[tables.library.env]),
    erasuresQueue: new QueueSender<EraseMessage>(instrument(createSqsClient(env)), vars[queues.erasures.env]),
    openApi,
  };
}
