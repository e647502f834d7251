import type { SQSClient } from '@aws-sdk/client-sqs';
import { generatedOpenApi } from '../../../functions/api/openApi.js';
import { apiDepsFromEnv } from '../../../functions/runtime/apiDepsFromEnv.js';
import { completionDepsFromEnv } from '../../../functions/runtime/completionDepsFromEnv.js';
import { createApiHandler } from '../../../functions/runtime/createApiHandler.js';
import { createCompletionHandler } from '../../../functions/runtime/createCompletionHandler.js';
import { createListenerHandler } from '../../../functions/runtime/createListenerHandler.js';
import { createWorkerHandler } from '../../../functions/runtime/createWorkerHandler.js';
import type { ApiHandler, QueueHandler } from '../../../functions/runtime/handlerTypes.js';
import type { Instrument } from '../../../functions/runtime/instrument.js';
import { listenerDepsFromEnv } from '../../../functions/runtime/listenerDepsFromEnv.js';
import { workerDepsFromEnv } from '../../../functions/runtime/workerDepsFromEnv.js';
import type { ApiDeps, CompletionDeps, ListenerDeps, WorkerDeps } from '../../../functions/service/deps.js';
import type { TrackdropSettings } from '../../../functions/settings.js';
import { pollerConsumer } from '../eventSourcePlan.js';
import { localContext } from '../lambdaContext.js';
import { queueFairness } from '../localTenant.js';
import { QueuePoller } from '../queuePoller.js';
import type { FunctionHost } from './functionHost.js';
import { functionName, functionSettings, type SourceFunction } from './sourceFunction.js';

export interface InProcessHostOptions {
  /** Each function's environment: its plan's variables and what the local run adds. */
  readonly envOf: (fn: SourceFunction) => Readonly<Record<string, string>>;
  readonly settings: TrackdropSettings;
  /** Applied to every AWS client the functions build. */
  readonly instrument: Instrument;
  /** The event sources' own SQS client (Lambda's event source is not the function). */
  readonly sqs: SQSClient;
  readonly onError: (err: unknown) => void;
  /** Wraps a queue function's handler, e.g. to time its invocations. */
  readonly wrap?: {
    readonly worker?: ((h: QueueHandler) => QueueHandler) | undefined;
    readonly completion?: ((h: QueueHandler) => QueueHandler) | undefined;
  };
}

export interface InProcessHost extends FunctionHost<SourceFunction, ApiHandler> {
  /** Each function's dependencies, built from the environment by the builders the Lambda handlers use. */
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
}

/**
 * The functions on the stack's own event loop, built from the environment with the same builders
 * and factories as on Lambda: tests reach their dependencies and clients to watch or break them.
 */
export function inProcessHost(o: InProcessHostOptions): InProcessHost {
  const build = { instrument: o.instrument };
  const deps = {
    api: apiDepsFromEnv(o.envOf('api'), build),
    worker: workerDepsFromEnv(o.envOf('worker'), build),
    completion: completionDepsFromEnv(o.envOf('completion'), build),
    listener: listenerDepsFromEnv(o.envOf('listener'), generatedOpenApi(o.settings), build),
  };
  const context = (fn: SourceFunction) => localContext(functionName(fn), functionSettings(o.settings, fn));
  const api = createApiHandler(deps.api);
  const listener = createListenerHandler(deps.listener);
  const worker = createWorkerHandler(deps.worker);
  const completion = createCompletionHandler(deps.completion);
  const wrapWorker = o.wrap?.worker ?? ((h: QueueHandler) => h);
  const wrapCompletion = o.wrap?.completion ?? ((h: QueueHandler) => h);
  const handlers = {
    api: (e, c) => api(e, c ?? context('api')),
    listener: (e, c) => listener(e, c ?? context('listener')),
    worker: wrapWorker((e, c) => worker(e, c ?? context('worker'))),
    completion: wrapCompletion((e, c) => completion(e, c ?? context('completion'))),
  } satisfies InProcessHost['handlers'];
  return {
    deps,
    handlers,
    async http(fn) {
      if (fn === 'api' || fn === 'listener') return handlers[fn];
      throw new Error(`${functionName(fn)} is not an HTTP function`);
    },
    async queue(fn, source) {
      if (fn !== 'worker' && fn !== 'completion') throw new Error(`${functionName(fn)} is not a queue function`);
      const handler = handlers[fn];
      return new QueuePoller({
        sqs: o.sqs,
        queueUrl: source.plan.queueUrl,
        consumer: pollerConsumer(source.plan),
        reportBatchItemFailures: source.plan.reportBatchItemFailures,
        leaseSeconds: source.leaseSeconds,
        ...queueFairness(source.fair),
        onError: o.onError,
        handler: (e) => handler(e),
      });
    },
  };
}
