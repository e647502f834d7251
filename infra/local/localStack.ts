import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../functions/adapters/aws/clientConfig.js';
import { type AwsClients, createClients } from '../../functions/adapters/clients.js';
import { createSecretBox } from '../../functions/adapters/secrets/createSecretBox.js';
import { StoresRepo } from '../../functions/adapters/storesRepo.js';
import { openApiDocument } from '../../functions/api/openApi.js';
import type { ApiHandler, QueueHandler } from '../../functions/runtime/handlerTypes.js';
import type { Instrument } from '../../functions/runtime/instrument.js';
import type { ApiDeps, CompletionDeps, ListenerDeps, WorkerDeps } from '../../functions/service/deps.js';
import { defaultSettings, type TrackdropSettings } from '../../functions/settings.js';
import { type DynamoBackend, type Emulators, localCredentials, localRegion, startEmulators } from './emulators.js';
import { sourceEventSources } from './eventSourcePlan.js';
import { sourceFunctionPlans } from './functionPlan.js';
import type { FunctionHost } from './hosts/functionHost.js';
import { inProcessHost } from './hosts/inProcessHost.js';
import type { SourceFunction } from './hosts/sourceFunction.js';
import { type ThreadHostOptions, threadHost } from './hosts/threadHost.js';
import { answerContract } from './httpApi/answerContract.js';
import { type HttpApiServer, startHttpApi } from './httpApi/httpApi.js';
import { createJwtAuthorizer } from './httpApi/jwtAuthorizer.js';
import { sourceApiPlan } from './httpApi/sourcePlan.js';
import { localEnv, localRuntimeEnv } from './localEnv.js';
import { type LocalIssuer, startLocalIssuer } from './localIssuer.js';
import { localRunSettings } from './localRunSettings.js';
import { type Provisioned, provision } from './provision.js';
import type { EventSource } from './queuePoller.js';
import { Teardown } from './teardown.js';

export interface LocalStackOptions {
  readonly dataDir?: string | undefined;
  readonly dynamo?: DynamoBackend;
  readonly apiPort?: number;
  readonly emulatorPorts?: { readonly aws?: number; readonly dynamodb?: number };
  readonly settings?: TrackdropSettings;
  /** Names resources apart, so several stacks can share emulators. */
  readonly prefix?: string;
  /** The functions' log level (POWERTOOLS_LOG_LEVEL); ERROR by default. */
  readonly logLevel?: string;
  /** Start the pollers (default); tests of single handlers leave them off. */
  readonly pollers?: boolean;
  /** The event source's receive visibility and the worker's own lease (eventSourceLease.ts): a killed sandbox recovers that fast. */
  readonly leaseSeconds?: number;
  /** How long an erasure waits before it deletes (localRunSettings.ts); the deployed figure by default. */
  readonly erasureSettleSeconds?: number | undefined;
  /** The queues served as SQS serves fair queues (localTenant.ts), unless false: first come, first served. */
  readonly fairQueues?: boolean;
  /** 32 bytes sealing stores' signing secrets; the sandbox keeps its own, tests get a random one. */
  readonly secretsKey?: Buffer;
  /** Emulators already running elsewhere (the benchmark's child processes): used, not started or stopped. */
  readonly emulatorEndpoints?: { readonly dynamodb: string; readonly sqs: string; readonly s3: string };
  /** The pollers' own SQS client (the benchmark counts the event source's requests apart). */
  readonly pollerSqs?: SQSClient;
  /** Applied to every AWS client the functions build (the benchmark counts their requests). */
  readonly instrument?: Instrument;
  /** Origins a locker page may call the API from (the API's CORS configuration). */
  readonly lockerOrigins?: readonly string[];
  /** The local issuer's port (default: any free one). */
  readonly issuerPort?: number;
  /**
   * How the functions run (hosts/): on the stack's own event loop (default), or each in a worker
   * thread of its own, built there from `env` (the sandbox). With threads, the functions' clients
   * are their threads' own: `functionClients`, `instrument`, `pollerSqs`, `wrap` (but `wrap.api`)
   * and changes made to `deps` see only the on-loop handlers and clients, which no event source
   * or route then calls. A thread that died is told to `onDied` (logged by default).
   */
  readonly host?: SourceHost;
  /**
   * Every answer held to the OpenAPI document (httpApi/answerContract.ts), unless false: the
   * benchmark measures the functions without the check's cost.
   */
  readonly checkAnswers?: boolean;
  /** Wraps each function's handler, e.g. to time its invocations. */
  readonly wrap?: {
    readonly api?: (h: ApiHandler) => ApiHandler;
    readonly worker?: (h: QueueHandler) => QueueHandler;
    readonly completion?: (h: QueueHandler) => QueueHandler;
  };
}

/** The source modes' function hosts, and the hooks each takes. */
export type SourceHost =
  | { readonly kind: 'in-process' }
  | ({ readonly kind: 'threads' } & Partial<Pick<ThreadHostOptions, 'onDied' | 'onApiInvoked'>>);

export interface LocalStack {
  readonly emulators: Emulators;
  /** For provisioning and for tests' own reads and writes; the functions build their own from `env`. */
  readonly clients: AwsClients;
  readonly provisioned: Provisioned;
  /** The AWS clients the functions built from `env`, by service: where tests inject faults or watch requests. */
  readonly functionClients: {
    readonly dynamodb: readonly DynamoDBClient[];
    readonly sqs: readonly SQSClient[];
    readonly s3: readonly S3Client[];
  };
  /** What the functions are given: the stack's variables, Lambda's, and the emulator endpoints. */
  readonly env: Readonly<Record<string, string>>;
  /** Each function's dependencies, built from `env` by the builders the Lambda handlers use. */
  readonly deps: {
    readonly api: ApiDeps;
    readonly worker: WorkerDeps;
    readonly completion: CompletionDeps;
    readonly listener: ListenerDeps;
  };
  /** Each function's handler, from the same factories as on Lambda, invoked with a local Lambda context. */
  readonly handlers: {
    readonly api: ApiHandler;
    readonly worker: QueueHandler;
    readonly completion: QueueHandler;
    readonly listener: ApiHandler;
  };
  /** The stores table as the operator CLI sees it: it registers stores and seals their secrets. */
  readonly stores: StoresRepo;
  readonly api: HttpApiServer;
  /** The listeners' identity provider: the JWT authorizer in front of `/v1/me/…` trusts it. */
  readonly issuer: LocalIssuer;
  readonly pollers: {
    readonly downloads: EventSource;
    readonly completions: EventSource;
    /** The slow lane's: the completion function on the callbacks of slow stores. */
    readonly slowCallbacks: EventSource;
    readonly erasures: EventSource;
  };
  readonly settings: TrackdropSettings;
  stop(): Promise<void>;
}

/** Emulators + resources + the api, worker and completion handlers, built from an environment as on AWS. */
export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const settings = localRunSettings(opts.settings ?? defaultSettings, opts);
  const logLevel = opts.logLevel ?? 'ERROR';
  const logger = new Logger({ serviceName: 'trackdrop-local', logLevel: logLevel === 'SILENT' ? 'SILENT' : 'ERROR' });
  const teardown = new Teardown((what, err) => logger.error(what, { error: err instanceof Error ? err : String(err) }));
  const stop = () => teardown.run();
  try {
    return await start();
  } catch (err) {
    await stop();
    throw err;
  }

  async function start(): Promise<LocalStack> {
    const emulators: Emulators = opts.emulatorEndpoints
      ? { endpoints: opts.emulatorEndpoints, dynamo: opts.dynamo ?? 'dynalite', stop: async () => {} }
      : await startEmulators({
          dataDir: opts.dataDir,
          dynamo: opts.dynamo ?? 'dynalite',
          ports: opts.emulatorPorts ?? {},
        });
    teardown.add('the emulators', emulators, (e) => e.stop());
    const clients = createClients(
      {},
      { region: localRegion, credentials: localCredentials, endpoints: emulators.endpoints },
    );
    teardown.add('the clients', clients, (c) => {
      for (const client of [c.ddb, c.dynamodb, c.sqs, c.s3]) client.destroy();
    });
    const provisioned = await provision(clients, settings, opts.prefix);
    const secretsKey = opts.secretsKey ?? randomBytes(32);
    const envInput = { names: provisioned.names, endpoints: emulators.endpoints, settings, secretsKey, logLevel };
    const env = localEnv(envInput);
    // Each function gets the variables the stack gives it on AWS, and what Lambda would add.
    const functionPlans = sourceFunctionPlans(settings, provisioned.names);
    const runtimeEnv = localRuntimeEnv(envInput);
    const envOf = (fn: SourceFunction) => ({ ...functionPlans[fn].environment, ...runtimeEnv });
    // Every client the functions build is kept: tests reach them to inject faults, and they close with the stack.
    const functionClients = {
      dynamodb: [] as DynamoDBClient[],
      sqs: [] as SQSClient[],
      s3: [] as S3Client[],
      kms: [] as KMSClient[],
    };
    teardown.add("the functions' clients", functionClients, (all) => {
      for (const c of Object.values(all).flat()) c.destroy();
    });
    const instrument: Instrument = (client) => {
      if (client instanceof DynamoDBClient) functionClients.dynamodb.push(client);
      else if (client instanceof SQSClient) functionClients.sqs.push(client);
      else if (client instanceof S3Client) functionClients.s3.push(client);
      else if (client instanceof KMSClient) functionClients.kms.push(client);
      return opts.instrument ? opts.instrument(client) : client;
    };
    const sqs = opts.pollerSqs ?? clients.sqs;
    const onError = (err: unknown) => logger.error('poller error', { error: err instanceof Error ? err : String(err) });
    // The on-loop functions always exist: tests call their handlers and reach their dependencies.
    const inProcess = inProcessHost({ envOf, settings, instrument, sqs, onError, wrap: opts.wrap });
    const hostOpts = opts.host ?? { kind: 'in-process' };
    const host: FunctionHost<SourceFunction, ApiHandler> =
      hostOpts.kind === 'threads'
        ? teardown.add(
            'the function threads',
            threadHost({
              envOf,
              settings,
              endpoints: emulators.endpoints,
              onDied: hostOpts.onDied ?? ((name, err) => logger.error(`${name} stopped`, { error: err })),
              onApiInvoked: hostOpts.onApiInvoked,
            }),
            (t) => t.close(),
          )
        : inProcess;
    const wrapApi = opts.wrap?.api ?? ((h: ApiHandler) => h);
    const handlers = {
      ...inProcess.handlers,
      api: wrapApi(await host.http('api')),
      listener: await host.http('listener'),
    };
    // Each event source as the CDK app declares it (the template's mappings give the same plan),
    // leased as eventSourceLease says.
    const plans = sourceEventSources(settings, provisioned.names.queueUrls);
    const lease = opts.leaseSeconds;
    const pollers = {
      downloads: await host.queue('worker', { plan: plans.downloads, leaseSeconds: lease, fair: opts.fairQueues }),
      completions: await host.queue('completion', {
        plan: plans.completions,
        leaseSeconds: lease,
        fair: opts.fairQueues,
      }),
      slowCallbacks: await host.queue('completion', {
        plan: plans.slowCallbacks,
        leaseSeconds: lease,
        fair: opts.fairQueues,
      }),
      erasures: await host.queue('worker', { plan: plans.erasures, leaseSeconds: lease, fair: opts.fairQueues }),
    };
    teardown.add('the event sources', pollers, (p) => Promise.all(Object.values(p).map((s) => s.stop())));
    // Keys in the data folder, so a listener's token outlives a restart of the sandbox.
    const issuer = await startLocalIssuer({
      dataDir: opts.dataDir,
      ...(opts.issuerPort === undefined ? {} : { port: opts.issuerPort }),
    });
    teardown.add('the issuer', issuer, (i) => i.close());
    // API Gateway as the CDK app declares it: each route to its function, listener routes behind the JWT authorizer.
    const http = await startHttpApi(
      sourceApiPlan({
        integrations: { api: (e) => handlers.api(e), listener: (e) => handlers.listener(e) },
        listenerAuthorizer: createJwtAuthorizer({ issuer: issuer.url, audience: [issuer.audience] }),
        listenerScopes: settings.listener.scopes,
        lockerOrigins: opts.lockerOrigins,
      }),
      {
        port: opts.apiPort,
        answers:
          opts.checkAnswers === false
            ? undefined
            : {
                check: answerContract(openApiDocument(settings)),
                onViolation: (violation) => logger.error('an answer broke the API contract', { violation }),
              },
      },
    );
    // Registered last, so it stops first: no new request while the event sources drain.
    teardown.add('the HTTP front', http, (h) => h.close());
    if (opts.pollers !== false) await Promise.all(Object.values(pollers).map((s) => s.start()));
    return {
      emulators,
      clients,
      provisioned,
      env,
      functionClients,
      deps: inProcess.deps,
      handlers,
      stores: new StoresRepo(
        clients.ddb,
        provisioned.names.tables.stores,
        createSecretBox(env, () => new KMSClient(clientConfig('kms', env))),
      ),
      api: http,
      issuer,
      pollers,
      settings,
      stop,
    };
  }
}
