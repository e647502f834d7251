import { endpointEnv } from '../../functions/adapters/aws/clientConfig.js';
import { type ResourceNames, resourceEnv } from '../../functions/adapters/config.js';
import { localSecretsKeyEnv } from '../../functions/resources.js';
import { telemetryValues } from '../../functions/runtime/functionEnv.js';
import { settingsEnv, type TrackdropSettings } from '../../functions/settings.js';
import { type Emulators, localCredentials, localRegion } from './emulators.js';

export interface LocalEnvInput {
  readonly names: ResourceNames;
  readonly endpoints: Emulators['endpoints'];
  readonly settings: TrackdropSettings;
  /** 32 bytes that seal stores' signing secrets where KMS is not. */
  readonly secretsKey: Buffer;
  readonly logLevel?: string | undefined;
}

/**
 * What a local run adds to a function's environment, where Lambda would add its own: region and
 * credentials, the SDK's `AWS_ENDPOINT_URL_*` overrides pointing at the emulators, the log level.
 * KMS has no emulator: a local AES key (TRACKDROP_LOCAL_SECRETS_KEY) stands in for it and says so
 * in its sealed values.
 */
export function localRuntimeEnv(i: Omit<LocalEnvInput, 'names' | 'settings'>): Record<string, string> {
  return {
    [localSecretsKeyEnv]: i.secretsKey.toString('base64'),
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    [endpointEnv.dynamodb]: i.endpoints.dynamodb,
    [endpointEnv.sqs]: i.endpoints.sqs,
    [endpointEnv.s3]: i.endpoints.s3,
    // What Lambda sets for an on-demand container; Powertools reads it (from process.env) to tell cold starts.
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    // EMF lines are CloudWatch's to read; locally they would only flood the console.
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(i.logLevel ? { POWERTOOLS_LOG_LEVEL: i.logLevel } : {}),
  };
}

/**
 * Every variable any function of a local run is given: what the stack sets (resource names,
 * settings, telemetry labels) and what the run adds. Each function itself gets only its own
 * (functionPlan.ts); this is the whole set, for tests and tools that build clients from it.
 */
export function localEnv(i: LocalEnvInput): Record<string, string> {
  return {
    ...resourceEnv(i.names),
    [settingsEnv]: JSON.stringify(i.settings),
    ...telemetryValues,
    ...localRuntimeEnv(i),
  };
}
