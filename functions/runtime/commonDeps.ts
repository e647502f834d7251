import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CountsRepo } from '../adapters/countsRepo.js';
import { LibraryRepo } from '../adapters/libraryRepo.js';
import { QueueSender } from '../adapters/queues.js';
import type { SecretBox } from '../adapters/secrets/secretBox.js';
import { SessionsRepo } from '../adapters/sessionsRepo.js';
import { StoresRepo } from '../adapters/storesRepo.js';
import { TracksRepo } from '../adapters/tracksRepo.js';
import { messageTenant, type OutgoingCompletion } from '../core/queueMessages.js';
import type { CommonDeps } from '../service/deps.js';
import { settingsFromEnv } from '../settings.js';
import type { FunctionName } from './functionEnv.js';
import { loggerFromEnv, telemetryFromEnv } from './observability.js';

export interface CommonParts {
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly tables: { readonly stores: string; readonly downloads: string; readonly library: string };
  readonly completionsQueueUrl: string;
  /** Only the completion function opens signing secrets. */
  readonly secretBox?: SecretBox;
}

/** What every function has: settings, logs, metrics, the stores, sessions and library, the completions queue. */
export function commonDeps(env: NodeJS.ProcessEnv, fn: FunctionName, parts: CommonParts): CommonDeps {
  const settings = settingsFromEnv(env);
  const retentionSeconds = settings.retention.finishedSessionDays * 86_400;
  return {
    settings,
    logger: loggerFromEnv(env, fn),
    telemetry: telemetryFromEnv(env),
    stores: new StoresRepo(parts.ddb, parts.tables.stores, parts.secretBox),
    sessions: new SessionsRepo(parts.ddb, parts.tables.downloads, retentionSeconds),
    tracks: new TracksRepo(parts.ddb, parts.tables.downloads, retentionSeconds),
    counts: new CountsRepo(parts.ddb, parts.tables.downloads, retentionSeconds),
    library: new LibraryRepo(parts.ddb, parts.tables.library),
    completionsQueue: new QueueSender<OutgoingCompletion>(parts.sqs, parts.completionsQueueUrl, messageTenant),
  };
}
