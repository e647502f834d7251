import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { clientConfig } from '../functions/adapters/aws/clientConfig.js';
import { createClients } from '../functions/adapters/clients.js';
import type { ResourceNames } from '../functions/adapters/config.js';
import { LibraryRepo } from '../functions/adapters/libraryRepo.js';
import { KmsSecretBox } from '../functions/adapters/secrets/kmsSecretBox.js';
import { StoresRepo } from '../functions/adapters/storesRepo.js';
import { outputNames } from '../infra/cdk/outputNames.js';
import { startAsDeployedStack } from '../infra/local/asDeployed/asDeployedStack.js';
import { synthCloudAssembly } from '../infra/local/asDeployed/cloudAssembly.js';
import type { DynamoBackend } from '../infra/local/emulators.js';
import { createJwtAuthorizer } from '../infra/local/httpApi/jwtAuthorizer.js';
import { startLocalIssuer } from '../infra/local/localIssuer.js';
import { startLocalStack } from '../infra/local/localStack.js';
import type { SandboxState } from '../tooling/sandboxState.js';
import { loadOrCreateSecretsKey } from '../tooling/secretsKey.js';
import { stackOutputs, writeOutputsFile } from '../tooling/stackOutputs.js';

/** What the sandbox needs of whichever stack it runs. */
export interface SandboxRuntime {
  readonly apiUrl: string;
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly s3: string };
  readonly names: ResourceNames;
  readonly dlqUrls: {
    readonly downloads: string;
    readonly completions: string;
    readonly slowCallbacks: string;
    readonly erasures: string;
  };
  /** The operator's store registration. */
  readonly stores: StoresRepo;
  /** The local issuer of listeners' tokens, in source mode (the locker page signs in with it). */
  readonly issuerUrl?: string | undefined;
  /** As deployed: the outputs file it wrote and the operator's environment (see SandboxState). */
  readonly deployed?: SandboxState['deployed'];
  /** Whether the user has anything in the library yet (the sandbox fills the demo user's once). */
  hasLibrary(userId: string): Promise<boolean>;
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  readonly dataDir: string;
  readonly dynamo: DynamoBackend;
  readonly port: number;
  /** The functions' log level (POWERTOOLS_LOG_LEVEL in source mode). */
  readonly logLevel: string;
  readonly leaseSeconds: number;
  /** How long an erasure waits before it deletes (`--erasure-settle`); the deployed figure by default. */
  readonly erasureSettleSeconds?: number | undefined;
  readonly log: (line: string) => void;
  readonly issuerPort?: number | undefined;
  /** Origins the locker page is served from (the API's CORS configuration). */
  readonly lockerOrigins?: readonly string[] | undefined;
  /** Told of a function's thread that died, in source mode. */
  readonly onFunctionDied?: ((functionName: string, err: Error) => void) | undefined;
}

/** Source mode: the handlers' TypeScript, wired in this process (each function in a thread of its own). */
export async function startSourceRuntime(o: RuntimeOptions): Promise<SandboxRuntime> {
  const stack = await startLocalStack({
    dataDir: o.dataDir,
    dynamo: o.dynamo,
    apiPort: o.port,
    logLevel: o.logLevel,
    leaseSeconds: o.leaseSeconds,
    erasureSettleSeconds: o.erasureSettleSeconds,
    // Each function in a thread of its own, as each has its own processes on AWS: the API and
    // the locker page answer at once while a big import copies and calls back.
    host: { kind: 'threads', ...(o.onFunctionDied ? { onDied: o.onFunctionDied } : {}) },
    secretsKey: loadOrCreateSecretsKey(o.dataDir),
    ...(o.issuerPort === undefined ? {} : { issuerPort: o.issuerPort }),
    ...(o.lockerOrigins ? { lockerOrigins: o.lockerOrigins } : {}),
  });
  return {
    apiUrl: stack.api.url,
    issuerUrl: stack.issuer.url,
    hasLibrary: async (userId) => (await stack.deps.listener.library.listAcrossStores(userId, 1)).items.length > 0,
    endpoints: stack.emulators.endpoints,
    names: stack.provisioned.names,
    dlqUrls: {
      downloads: stack.provisioned.queues.downloads.dlqUrl,
      completions: stack.provisioned.queues.completions.dlqUrl,
      slowCallbacks: stack.provisioned.queues.slowCallbacks.dlqUrl,
      erasures: stack.provisioned.queues.erasures.dlqUrl,
    },
    stores: stack.stores,
    stop: () => stack.stop(),
  };
}

/** As deployed: `cdk synth` into the data folder, then the synthesized stack (see infra/local/asDeployed). */
export async function startAsDeployedRuntime(o: RuntimeOptions): Promise<SandboxRuntime> {
  o.log('synthesizing the stack (cdk synth)…');
  // The locker page's origin goes into the template's CORS configuration, as `cdk deploy -c` would put it.
  const assembly = await synthCloudAssembly({
    outdir: join(o.dataDir, 'cdk.out'),
    context: o.lockerOrigins?.length ? { lockerOrigins: o.lockerOrigins.join(',') } : {},
  });
  // The template's Cognito user pool has no local counterpart: the sandbox's issuer stands in
  // for it, and the template's JWT authorizers check its tokens as API Gateway would.
  const issuer = await startLocalIssuer({
    dataDir: o.dataDir,
    ...(o.issuerPort === undefined ? {} : { port: o.issuerPort }),
  });
  const verify = createJwtAuthorizer({ issuer: issuer.url, audience: [issuer.audience] });
  const stack = await startAsDeployedStack({
    jwtVerifier: () => verify,
    assembly,
    dataDir: join(o.dataDir, 'as-deployed'),
    dynamo: o.dynamo,
    apiPort: o.port,
    leaseSeconds: o.leaseSeconds,
    erasureSettleSeconds: o.erasureSettleSeconds,
    onDenied: (d) => o.log(`IAM DENIED ${d.function}: ${d.action} on ${d.resource}`),
    onLog: (fn, line) => {
      // Warnings and errors, and every death of an invocation (Runtime.ExitError, Sandbox.Timedout)
      // with what became of its batch.
      if (/"level":"(WARN|ERROR|CRITICAL)"|ERROR|Task timed out|Runtime\.\w+|Sandbox\.Timedout|the batch of/.test(line))
        o.log(`${fn}: ${line}`);
    },
  });
  for (const s of stack.skipped) o.log(`not taken by the emulators: ${s}`);
  // What `cdk deploy --outputs-file` would write: the stage URL and the user pool are the local stand-ins.
  const outputsFile = join(o.dataDir, 'cdk-outputs.json');
  const written = {
    ...stack.outputs,
    [outputNames.apiUrl]: stack.api.url,
    [outputNames.listenerIssuer]: issuer.url,
    [outputNames.listenerAudience]: issuer.audience,
  };
  writeOutputsFile(outputsFile, stack.stackName, written);
  // Read by the same map the CLI reads the file with.
  const outputs = stackOutputs(written, `stack ${stack.stackName}`);
  // The sandbox registers its demo store as an operator would: through the operator's IAM-checked way in.
  const operator = createClients(stack.operator.env, {});
  const kms = new KMSClient(clientConfig('kms', stack.operator.env));
  if (outputs.secretsKeyId === undefined) throw new Error(`the template has no ${outputNames.secretsKeyId} output`);
  return {
    apiUrl: outputs.apiUrl,
    endpoints: stack.emulators.endpoints,
    names: outputs.names,
    dlqUrls: outputs.dlqUrls,
    stores: new StoresRepo(operator.ddb, outputs.names.tables.stores, new KmsSecretBox(kms, outputs.secretsKeyId)),
    hasLibrary: async (userId) =>
      (await new LibraryRepo(operator.ddb, outputs.names.tables.library).listAcrossStores(userId, 1)).items.length > 0,
    issuerUrl: issuer.url,
    deployed: { outputsFile, stackName: stack.stackName, operatorEnv: stack.operator.env },
    async stop() {
      await stack.stop();
      await issuer.close();
      for (const c of [operator.ddb, operator.dynamodb, operator.sqs, operator.s3, kms]) c.destroy();
      if (stack.denials.length) o.log(`${stack.denials.length} request(s) were refused by IAM during this run`);
    },
  };
}
