import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { LocalSecretBox } from '../../functions/adapters/secrets/localSecretBox.js';
import { createClients, type AwsClients } from '../../functions/adapters/clients.js';
import { handleListenerRequest } from '../../functions/api/handleListenerRequest.js';
import { handleRequest } from '../../functions/api/handleRequest.js';
import { listenerRouteNames, lockerCors } from '../../functions/api/routes.js';
import { buildDeps } from '../../functions/service/buildDeps.js';
import type { Deps } from '../../functions/service/deps.js';
import { processCompletions } from '../../functions/service/completion/processCompletions.js';
import { processDownloads } from '../../functions/service/worker/processDownloads.js';
import { defaultSettings, type TrackdropSettings } from '../../functions/settings.js';
import { localCredentials, localRegion, startEmulators, type DynamoBackend, type Emulators } from './emulators.js';
import { startHttpAdapter, type ApiHandler, type HttpAdapter } from './httpAdapter.js';
import { createJwtAuthorizer } from './jwtAuthorizer.js';
import { startLocalIssuer, type LocalIssuer } from './localIssuer.js';
import { provision, type Provisioned } from './provision.js';
import { QueuePoller, type SqsHandler } from './queuePoller.js';

export interface LocalStackOptions {
  readonly dataDir?: string | undefined;
  readonly dynamo?: DynamoBackend;
  readonly apiPort?: number;
  readonly emulatorPorts?: { readonly aws?: number; readonly dynamodb?: number };
  readonly settings?: TrackdropSettings;
  /** Names resources apart, so several stacks can share emulators. */
  readonly prefix?: string;
  readonly logger?: Logger;
  /** Start the pollers (default); tests of single handlers leave them off. */
  readonly pollers?: boolean;
  /** See QueuePoller: short, extended visibility so a killed sandbox recovers fast. */
  readonly leaseSeconds?: number;
  /** 32 bytes sealing stores' signing secrets; the sandbox keeps its own, tests get a random one. */
  readonly secretsKey?: Buffer;
  /** Emulators already running elsewhere (the benchmark's child processes): used, not started or stopped. */
  readonly emulatorEndpoints?: { readonly dynamodb: string; readonly sqs: string; readonly s3: string };
  /** The pollers' own SQS client (the benchmark counts the event source's requests apart). */
  readonly pollerSqs?: SQSClient;
  /** Origins a locker page may call the API from (the API's CORS configuration). */
  readonly lockerOrigins?: readonly string[];
  readonly issuerPort?: number;
  /** Wraps each function's handler, e.g. to time its invocations. */
  readonly wrap?: { readonly api?: (h: ApiHandler) => ApiHandler; readonly worker?: (h: SqsHandler) => SqsHandler; readonly completion?: (h: SqsHandler) => SqsHandler };
}

export interface LocalStack {
  readonly emulators: Emulators;
  readonly clients: AwsClients;
  readonly provisioned: Provisioned;
  readonly deps: Deps;
  readonly api: HttpAdapter;
  /** The listeners' identity provider: the JWT authorizer in front of `/v1/me/…` trusts it. */
  readonly issuer: LocalIssuer;
  readonly pollers: { readonly downloads: QueuePoller; readonly completions: QueuePoller };
  readonly settings: TrackdropSettings;
  stop(): Promise<void>;
}

/** Emulators + resources + the api, worker and completion handlers, wired as on AWS. */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const settings = opts.settings ?? defaultSettings;
  const logger = opts.logger ?? new Logger({ serviceName: 'trackdrop', logLevel: 'ERROR' });
  const emulators: Emulators = opts.emulatorEndpoints
    ? { endpoints: opts.emulatorEndpoints, dynamo: opts.dynamo ?? 'dynalite', stop: async () => {} }
    : await startEmulators({ dataDir: opts.dataDir, dynamo: opts.dynamo ?? 'dynalite', ports: opts.emulatorPorts ?? {} });
  const clients = createClients({}, { region: localRegion, credentials: localCredentials, endpoints: emulators.endpoints });
  const provisioned = await provision(clients, settings, opts.prefix);
  const secretBox = new LocalSecretBox(opts.secretsKey ?? randomBytes(32));
  const deps = buildDeps(clients, provisioned.names, settings, { logger, secretBox });
  const wrap = { api: (h: ApiHandler) => h, worker: (h: SqsHandler) => h, completion: (h: SqsHandler) => h, ...opts.wrap };
  // Keys in the data folder, so a listener's token outlives a restart of the sandbox.
  const issuer = await startLocalIssuer({ dataDir: opts.dataDir, ...(opts.issuerPort === undefined ? {} : { port: opts.issuerPort }) });
  // As API Gateway does: each route to the function the route table names.
  const routed: ApiHandler = (event) => (listenerRouteNames.has(event.routeKey) ? handleListenerRequest(deps, event) : handleRequest(deps, event));
  const api = await startHttpAdapter(wrap.api(routed), {
    ...(opts.apiPort === undefined ? {} : { port: opts.apiPort }),
    listenerAuthorizer: createJwtAuthorizer({ issuer: issuer.url, audience: [issuer.audience] }),
    listenerScopes: settings.listener.scopes,
    cors: opts.lockerOrigins?.length ? { allowOrigins: opts.lockerOrigins, ...lockerCors } : undefined,
  });
  const onError = (err: unknown) => logger.error('poller error', { error: err as Error });
  const sqs = opts.pollerSqs ?? clients.sqs;
  const pollers = {
    downloads: new QueuePoller({
      sqs,
      queueUrl: provisioned.names.queueUrls.downloads,
      consumer: settings.downloads,
      handler: wrap.worker((e) => processDownloads(deps, e)),
      onError,
      leaseSeconds: opts.leaseSeconds,
    }),
    completions: new QueuePoller({
      sqs,
      queueUrl: provisioned.names.queueUrls.completions,
      consumer: settings.completions,
      handler: wrap.completion((e) => processCompletions(deps, e)),
      onError,
      leaseSeconds: opts.leaseSeconds,
      extendLease: false,
    }),
  };
  if (opts.pollers !== false) await Promise.all([pollers.downloads.start(), pollers.completions.start()]);
  return {
    emulators,
    clients,
    provisioned,
    deps,
    api,
    issuer,
    pollers,
    settings,
    async stop() {
      await api.close();
      await issuer.close();
      await Promise.all([pollers.downloads.stop(), pollers.completions.stop()]);
      clients.ddb.destroy();
      clients.dynamodb.destroy();
      clients.sqs.destroy();
      clients.s3.destroy();
      await emulators.stop();
    },
  };
}
