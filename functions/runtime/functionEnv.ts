import { endpointEnv } from '../adapters/aws/clientConfig.js';
import { MissingConfigError } from '../adapters/config.js';
import { bucket, localSecretsKeyEnv, queues, secretsKeyEnv, tables } from '../resources.js';
import { settingsEnv } from '../settings.js';

export type FunctionName = 'api' | 'worker' | 'completion' | 'listener';

/** Read by every function: how its logs and metrics are labelled. */
export const telemetryEnv = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE'] as const;

/** Their values, set by the stack and by a local run alike. */
export const telemetryValues = {
  POWERTOOLS_SERVICE_NAME: 'trackdrop',
  POWERTOOLS_METRICS_NAMESPACE: 'Trackdrop',
} as const satisfies Record<(typeof telemetryEnv)[number], string>;

/**
 * What each function reads from its environment, declared once: the builders below read exactly
 * these, and the CDK stack sets exactly these per function (infra/cdk/TrackdropFunction.ts
 * checks it at synth), so no function learns of a resource it does not use.
 */
export const functionEnv = {
  // Stores only to authenticate (read); sessions, licenses, the library (read) and both queues;
  // the media bucket's name only, to refuse it as a track source (no access to it).
  api: [
    tables.stores.env,
    tables.downloads.env,
    tables.licenses.env,
    tables.library.env,
    queues.downloads.env,
    queues.completions.env,
    bucket.env,
    settingsEnv,
  ],
  // The erasures queue: the worker takes a user's erasure steps, and queues each next one.
  worker: [
    tables.stores.env,
    tables.downloads.env,
    tables.licenses.env,
    tables.library.env,
    queues.downloads.env,
    queues.completions.env,
    queues.erasures.env,
    bucket.env,
    settingsEnv,
  ],
  // The KMS key id opens stores' signing secrets; off AWS, a local key stands in (see below).
  completion: [
    tables.stores.env,
    tables.downloads.env,
    tables.library.env,
    queues.completions.env,
    queues.slowCallbacks.env,
    settingsEnv,
    secretsKeyEnv,
  ],
  // Reads the user's library rows and sessions; signs URLs for objects of the bucket; starts
  // the user's erasure (its record in the library table, its first step on the erasures queue).
  listener: [tables.downloads.env, tables.library.env, queues.erasures.env, bucket.env, settingsEnv],
} as const satisfies Record<FunctionName, readonly string[]>;

/**
 * Read besides the declared ones, set by Lambda or by a local run, never by the stack: the
 * region and credentials Lambda gives every function, the SDK's endpoint overrides a local run
 * points at the emulators, the log level, and the local key that seals secrets where KMS is not.
 */
export const runtimeEnv = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_METRICS_DISABLED',
  ...Object.values(endpointEnv),
  localSecretsKeyEnv,
] as const;

/** Variables a function may do without: the settings default, and the secrets key has a local stand-in. */
const optionalEnv = [settingsEnv, secretsKeyEnv] as const;
type Optional = (typeof optionalEnv)[number];
type Declared<F extends FunctionName> = (typeof functionEnv)[F][number];

export type EnvOf<F extends FunctionName> = { readonly [K in Exclude<Declared<F>, Optional>]: string } & {
  readonly [K in Extract<Declared<F>, Optional>]?: string | undefined;
};

const isOptional = (name: string): boolean => (optionalEnv as readonly string[]).includes(name);

/** The function's declared variables; a missing one fails at cold start, not on the first request. */
export function readFunctionEnv<F extends FunctionName>(env: NodeJS.ProcessEnv, fn: F): EnvOf<F> {
  const out: Record<string, string> = {};
  for (const name of functionEnv[fn]) {
    const value = env[name];
    if (value) out[name] = value;
    else if (!isOptional(name))
      throw new MissingConfigError(`environment variable ${name} is not set (the ${fn} function needs it)`);
  }
  return out as EnvOf<F>;
}
