import { Logger } from '@aws-lambda-powertools/logger';
import type { AwsClients } from '../adapters/clients.js';
import type { ResourceNames } from '../adapters/config.js';
import type { SecretBox } from '../adapters/secrets/secretBox.js';
import { noTelemetry, type Telemetry } from '../adapters/telemetry.js';
import type { TrackdropSettings } from '../settings.js';
import { buildApiDeps } from './apiDeps.js';
import { buildCompletionDeps } from './completionDeps.js';
import { buildListenerDeps } from './listenerDeps.js';
import type { Deps } from './deps.js';
import { buildWorkerDeps } from './workerDeps.js';

/** The three functions' deps in one object, for the sandbox and tests (one process runs all three). */
export interface BuildDepsOptions {
  readonly logger?: Logger;
  readonly telemetry?: Telemetry;
  readonly secretBox?: SecretBox;
}

export function buildDeps(clients: AwsClients, names: ResourceNames, settings: TrackdropSettings, opts: BuildDepsOptions = {}): Deps {
  const input = {
    ddb: clients.ddb,
    sqs: clients.sqs,
    s3: clients.s3,
    names,
    settings,
    logger: opts.logger ?? new Logger({ serviceName: 'trackdrop' }),
    telemetry: opts.telemetry ?? noTelemetry,
    secretBox: opts.secretBox,
  };
  return { ...buildApiDeps(input), ...buildCompletionDeps(input), ...buildWorkerDeps(input), ...buildListenerDeps(input) };
}
