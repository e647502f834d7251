import type { WorkerDeps } from '../service/deps.js';
import { processDownloads } from '../service/worker/processDownloads.js';
import type { QueueHandler } from './handlerTypes.js';
import { withLambdaContext } from './lambdaContext.js';

/** The worker: a batch from the downloads queue, with the Lambda context in every log line. */
export function createWorkerHandler(deps: WorkerDeps): QueueHandler {
  // The remaining time bounds each fetch, so a slow origin cannot outlive the invocation.
  return withLambdaContext(deps.logger, (event, context) =>
    processDownloads(deps, event, context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
  );
}
