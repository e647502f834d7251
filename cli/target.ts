import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { clientConfig } from '../functions/adapters/aws/clientConfig.js';
import { type AwsClients, createClients } from '../functions/adapters/clients.js';
import type { ResourceNames } from '../functions/adapters/config.js';
import { createSecretBox } from '../functions/adapters/secrets/createSecretBox.js';
import type { SecretBox } from '../functions/adapters/secrets/secretBox.js';
import { localSecretsKeyEnv, secretsKeyEnv } from '../functions/resources.js';
import { outputNames } from '../infra/cdk/outputNames.js';
import { localCredentials, localRegion } from '../infra/local/emulators.js';
import { isProcessAlive } from '../tooling/processAlive.js';
import { defaultDataDir, readSandboxState } from '../tooling/sandboxState.js';
import { readSecretsKey, SecretsKeyError } from '../tooling/secretsKey.js';
import { readOutputsFile, StackOutputsError } from '../tooling/stackOutputs.js';
import { CliError } from './command.js';

export type QueueName = 'downloads' | 'completions' | 'slowCallbacks' | 'erasures';

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
  if (state.deployed) {
    // As deployed, the CLI takes the path it takes after `cdk deploy`: the outputs file, and the
    // operator's credentials and (IAM-checked) endpoint, as an operator's shell would give them.
    const { outputsFile, stackName, operatorEnv } = state.deployed;
    const deployed = awsTarget(outputsFile, stackName, { ...process.env, ...operatorEnv });
    return {
      ...deployed,
      label: `the as-deployed sandbox in ${dataDir}`,
      localIssuer: state.issuerUrl ? { url: state.issuerUrl, dataDir } : undefined,
      receiveWaitSeconds: 0,
    };
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
  let chosen: ReturnType<typeof readOutputsFile>;
  try {
    chosen = readOutputsFile(outputsFile, stackName);
  } catch (err) {
    if (err instanceof StackOutputsError) throw new CliError(err.message);
    throw err;
  }
  const { stackName: name, outputs } = chosen;
  const region = regionOf(outputs.names.queueUrls.downloads) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const clients = createClients(env, region ? { region } : {});
  let kms: KMSClient | undefined;
  const keyId = outputs.secretsKeyId;
  return {
    kind: 'aws',
    label: `stack ${name}${region ? ` (${region})` : ''}`,
    apiUrl: outputs.apiUrl,
    names: outputs.names,
    dlqUrls: outputs.dlqUrls,
    clients,
    receiveWaitSeconds: 1,
    secretBox() {
      if (keyId === undefined)
        throw new CliError(
          `stack ${name} in ${outputsFile} has no ${outputNames.secretsKeyId} output to seal signing secrets with; redeploy with the current CDK app`,
        );
      return createSecretBox(
        { [secretsKeyEnv]: keyId },
        () => (kms ??= new KMSClient(clientConfig('kms', env, region ? { region } : {}))),
      );
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
