import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { type AwsClients, createClients } from '../functions/adapters/clients.js';
import type { ResourceNames } from '../functions/adapters/config.js';
import { createSecretBox } from '../functions/adapters/secrets/createSecretBox.js';
import type { SecretBox } from '../functions/adapters/secrets/secretBox.js';
import { localSecretsKeyEnv, secretsKeyEnv } from '../functions/resources.js';
import { outputNames } from '../infra/cdk/outputNames.js';
import { localCredentials, localRegion } from '../infra/local/emulators.js';
import { isProcessAlive } from '../sandbox/processAlive.js';
import { defaultDataDir, readSandboxState } from '../sandbox/sandboxState.js';
import { readSecretsKey, SecretsKeyError } from '../sandbox/secretsKey.js';
import { CliError } from './command.js';

export type QueueName = 'downloads' | 'completions';

/** Where the CLI acts: a running sandbox, or a deployed stack on AWS. */
export interface Target {
  readonly kind: 'sandbox' | 'aws';
  /** For messages: `the sandbox in .sandbox`, `stack Trackdrop (eu-west-1)`. */
  readonly label: string;
  readonly apiUrl: string;
  /** The sandbox's local issuer of listener tokens, and the data folder holding its key. */
  readonly localIssuer?: { readonly url: string; readonly dataDir: string } | undefined;
  readonly names: ResourceNames;
  readonly dlqUrls: Readonly<Record<QueueName, string>>;
  readonly clients: AwsClients;
  /** SQS long-poll seconds: AWS samples a subset of servers on a short poll; the emulator does not. */
  readonly receiveWaitSeconds: number;
  /** What seals stores' signing secrets there (only `store add` and `store rotate-secret` need it). */
  secretBox(): SecretBox;
  close(): void;
}

export interface TargetOptions {
  readonly dataDir?: string | undefined;
  /** A `cdk deploy --outputs-file` JSON: act on that stack on AWS instead of the sandbox. */
  readonly outputs?: string | undefined;
  /** Which stack of the outputs file, when it holds more than one. */
  readonly stack?: string | undefined;
}

export function resolveTarget(opts: TargetOptions, env: NodeJS.ProcessEnv = process.env): Target {
  return opts.outputs ? awsTarget(opts.outputs, opts.stack, env) : sandboxTarget(opts.dataDir ?? defaultDataDir);
}

const startHint =
  'Start one with `npm start` (add `-- --data-dir <dir>` for another folder and pass the same --data-dir here), or act on a deployed stack with --outputs <cdk-outputs.json>.';

/** The sandbox `npm start` runs: its emulators' endpoints and the resource names it wrote down. */
export function sandboxTarget(dataDir: string): Target {
  const file = join(dataDir, 'sandbox.json');
  const state = readSandboxState(dataDir);
  if (!state) {
    const why = existsSync(file) ? `${file} cannot be read` : `no ${file}`;
    throw new CliError(`no running sandbox in ${resolve(dataDir)} (${why}). ${startHint}`);
  }
  if (!isProcessAlive(state.pid)) {
    throw new CliError(
      `no running sandbox in ${resolve(dataDir)}: the one that wrote ${file} (pid ${state.pid}) has exited. ${startHint}`,
    );
  }
  const clients = createClients(
    {},
    { region: localRegion, credentials: localCredentials, endpoints: state.endpoints, maxAttempts: 2 },
  );
  return {
    kind: 'sandbox',
    label: `the sandbox in ${dataDir}`,
    apiUrl: state.apiUrl,
    localIssuer: state.issuerUrl ? { url: state.issuerUrl, dataDir } : undefined,
    names: state.names,
    dlqUrls: state.dlqUrls,
    clients,
    receiveWaitSeconds: 0,
    secretBox: () =>
      createSecretBox({ [localSecretsKeyEnv]: sandboxSecretsKey(dataDir).toString('base64') }, () => new KMSClient({})),
    close: () => destroy(clients),
  };
}

/** A deployed stack, from the outputs file `cdk deploy --outputs-file` writes; AWS's default credential chain. */
export function awsTarget(outputsFile: string, stackName: string | undefined, env: NodeJS.ProcessEnv): Target {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(outputsFile, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read the outputs file ${outputsFile}: ${(err as Error).message}`);
  }
  if (!isRecord(parsed))
    throw new CliError(`${outputsFile} is not a cdk outputs file ({"<stack>": {"${outputNames.apiUrl}": …}})`);
  const stacks = Object.entries(parsed).filter(
    (e): e is [string, Record<string, unknown>] => isRecord(e[1]) && outputNames.apiUrl in e[1],
  );
  let chosen: [string, Record<string, unknown>] | undefined;
  if (stackName) {
    chosen = stacks.find(([name]) => name === stackName);
    if (!chosen)
      throw new CliError(
        `no trackdrop stack ${stackName} in ${outputsFile}; it has: ${stacks.map(([n]) => n).join(', ') || 'none'}`,
      );
  } else if (stacks.length > 1) {
    throw new CliError(
      `${outputsFile} holds several trackdrop stacks (${stacks.map(([n]) => n).join(', ')}): pick one with --stack <name>`,
    );
  } else {
    chosen = stacks[0];
  }
  if (!chosen)
    throw new CliError(`no trackdrop stack in ${outputsFile} (no stack has an ${outputNames.apiUrl} output)`);
  const [name, outputs] = chosen;
  // Outputs the operator CLI does not use need not be there (stacks deployed before they existed).
  const optional: string[] = [outputNames.secretsKeyId, outputNames.listenerIssuer, outputNames.listenerAudience];
  const missing = Object.values(outputNames).filter((k) => !optional.includes(k) && typeof outputs[k] !== 'string');
  if (missing.length > 0)
    throw new CliError(
      `stack ${name} in ${outputsFile} lacks the outputs ${missing.join(', ')}; redeploy with the current CDK app`,
    );
  const out = (k: string) => outputs[k] as string;
  const region = regionOf(out(outputNames.downloadsQueueUrl)) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const clients = createClients(env, region ? { region } : {});
  let kms: KMSClient | undefined;
  const keyId = outputs[outputNames.secretsKeyId];
  return {
    kind: 'aws',
    label: `stack ${name}${region ? ` (${region})` : ''}`,
    apiUrl: out(outputNames.apiUrl),
    names: {
      tables: {
        stores: out(outputNames.storesTableName),
        downloads: out(outputNames.downloadsTableName),
        licenses: out(outputNames.licensesTableName),
        library: out(outputNames.libraryTableName),
      },
      queueUrls: { downloads: out(outputNames.downloadsQueueUrl), completions: out(outputNames.completionsQueueUrl) },
      bucket: out(outputNames.mediaBucketName),
    },
    dlqUrls: { downloads: out(outputNames.downloadsDlqUrl), completions: out(outputNames.completionsDlqUrl) },
    clients,
    receiveWaitSeconds: 1,
    secretBox() {
      if (typeof keyId !== 'string')
        throw new CliError(
          `stack ${name} in ${outputsFile} has no ${outputNames.secretsKeyId} output to seal signing secrets with; redeploy with the current CDK app`,
        );
      return createSecretBox({ [secretsKeyEnv]: keyId }, () => (kms ??= new KMSClient(region ? { region } : {})));
    },
    close() {
      destroy(clients);
      kms?.destroy();
    },
  };
}

/** `https://sqs.eu-west-1.amazonaws.com/…` → `eu-west-1`. */
export function regionOf(queueUrl: string): string | undefined {
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(queueUrl)?.[1];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function destroy(clients: AwsClients): void {
  clients.ddb.destroy();
  clients.dynamodb.destroy();
  clients.sqs.destroy();
  clients.s3.destroy();
}

/** The sandbox's key (what KMS is on AWS), from where `npm start` keeps it. */
function sandboxSecretsKey(dataDir: string): Buffer {
  try {
    return readSecretsKey(dataDir);
  } catch (err) {
    if (err instanceof SecretsKeyError) throw new CliError(err.message);
    throw err;
  }
}
