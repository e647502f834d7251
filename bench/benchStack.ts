import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClients, createClients } from '../functions/adapters/clients.js';
import type { StoresRepo } from '../functions/adapters/storesRepo.js';
import type { Instrument } from '../functions/runtime/instrument.js';
import type { TrackdropSettings } from '../functions/settings.js';
import { localCredentials, localRegion } from '../infra/local/emulators.js';
import type { HttpApiServer } from '../infra/local/httpApi/httpApi.js';
import type { LocalStack, SourceHost } from '../infra/local/localStack.js';
import { startLocalStack } from '../infra/local/localStack.js';
import type { Provisioned } from '../infra/local/provision.js';
import type { Endpoints } from './emulatorProcesses.js';
import { RequestCounter } from './requestCounter.js';

/** How long each handler invocation took, in ms: what Lambda would bill as duration. */
export interface HandlerTimings {
  api: number[];
  worker: number[];
  completion: number[];
}

export interface BenchStack {
  readonly clients: AwsClients;
  readonly provisioned: Provisioned;
  readonly deps: LocalStack['deps'];
  /** The stores table as the operator sees it (registers stores). */
  readonly stores: StoresRepo;
  readonly api: HttpApiServer;
  readonly pollers: LocalStack['pollers'] | undefined;
  readonly settings: TrackdropSettings;
  /** Requests made by trackdrop's code (the three handlers). */
  readonly counter: RequestCounter;
  /** Store callbacks that failed (and were retried through the queue), by reason. */
  readonly callbackFailures: Record<string, number>;
  /** Requests made by the pollers: on AWS, Lambda's SQS event source makes these. */
  readonly eventSourceCounter: RequestCounter;
  readonly timings: HandlerTimings;
  /** Starts timings afresh and returns the ones so far. */
  takeTimings(): HandlerTimings;
  /** Resolves once no handler invocation has been in flight for `quietMs`. */
  settle(quietMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The sandbox's local stack (infra/local/localStack.ts: clients, provisioned resources, deps)
 * over emulators that run in processes of their own, with every AWS request counted and every
 * handler invocation timed: its own HTTP adapter (the API Gateway stand-in) and, when asked,
 * a poller per queue (the SQS event-source stand-in) with an SQS client of their own, so the
 * pollers' requests are counted apart from trackdrop's.
 */
export async function startBenchStack(opts: {
  endpoints: Endpoints;
  pollers: boolean;
  settings?: TrackdropSettings;
  leaseSeconds?: number;
  host?: SourceHost;
  /** The queues served as fair queues (the default) or first come, first served. */
  fairQueues?: boolean;
}): Promise<BenchStack> {
  let timings: HandlerTimings = { api: [], worker: [], completion: [] };
  let inFlight = 0;
  let lastActivity = performance.now();
  const timed =
    <E, R>(kind: keyof HandlerTimings) =>
    (fn: (e: E) => Promise<R>) =>
    async (e: E): Promise<R> => {
      inFlight += 1;
      const t0 = performance.now();
      try {
        return await fn(e);
      } finally {
        timings[kind].push(performance.now() - t0);
        inFlight -= 1;
        lastActivity = performance.now();
      }
    };
  // The pollers get an SQS client of their own, so their requests are counted apart.
  const pollerClients = createClients(
    {},
    { region: localRegion, credentials: localCredentials, endpoints: opts.endpoints },
  );
  const eventSourceCounter = new RequestCounter();
  eventSourceCounter.attach(pollerClients.sqs, 'sqs');
  // Every client the three functions build is counted, through the builders' own instrument hook.
  const counter = new RequestCounter();
  const countRequests: Instrument = (client) => {
    if (client instanceof DynamoDBClient) counter.attach(client, 'dynamodb');
    else if (client instanceof SQSClient) counter.attach(client, 'sqs');
    else if (client instanceof S3Client) counter.attach(client, 's3');
    return client;
  };
  const stack = await startLocalStack({
    emulatorEndpoints: opts.endpoints,
    instrument: countRequests,
    // Measured as Lambda runs them: without the local API's contract check.
    checkAnswers: false,
    pollers: opts.pollers,
    pollerSqs: pollerClients.sqs,
    wrap: { api: timed('api'), worker: timed('worker'), completion: timed('completion') },
    ...(process.env.BENCH_LOG_LEVEL ? { logLevel: process.env.BENCH_LOG_LEVEL } : {}),
    ...(opts.settings ? { settings: opts.settings } : {}),
    ...(opts.leaseSeconds ? { leaseSeconds: opts.leaseSeconds } : {}),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.fairQueues === undefined ? {} : { fairQueues: opts.fairQueues }),
  });
  const { clients, provisioned, deps, settings, api } = stack;
  const pollers = opts.pollers ? stack.pollers : undefined;
  // Watch the callbacks: a failed one is retried through the queue and shows up in the counts.
  const callbackFailures: Record<string, number> = {};
  const callbacks = deps.completion.callbacks;
  const send = callbacks.send.bind(callbacks);
  callbacks.send = async (...args) => {
    const res = await send(...args);
    if (!res.ok) {
      const reason = `${res.status}${res.error ? ` ${res.error}` : ''}`;
      callbackFailures[reason] = (callbackFailures[reason] ?? 0) + 1;
    }
    return res;
  };

  return {
    clients,
    provisioned,
    deps,
    stores: stack.stores,
    api,
    pollers,
    settings,
    counter,
    callbackFailures,
    eventSourceCounter,
    get timings() {
      return timings;
    },
    takeTimings() {
      const t = timings;
      timings = { api: [], worker: [], completion: [] };
      return t;
    },
    async settle(quietMs = 300) {
      // An event source in a thread of its own is seen through its idle flag and its counts.
      const invocations = () => (pollers ? Object.values(pollers).reduce((n, p) => n + p.stats.invocations, 0) : 0);
      let seen = invocations();
      for (;;) {
        const busy =
          inFlight > 0 ||
          (pollers !== undefined && (Object.values(pollers).some((p) => !p.idle) || invocations() !== seen));
        if (busy) {
          seen = invocations();
          lastActivity = performance.now();
        } else if (performance.now() - lastActivity >= quietMs) return;
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      await stack.stop();
      for (const c of [pollerClients.ddb, pollerClients.dynamodb, pollerClients.sqs, pollerClients.s3]) c.destroy();
    },
  };
}
