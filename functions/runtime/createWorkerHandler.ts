import type { WorkerDeps } from '../service/deps.js';
import { processDownloads } from '../service/worker/processDownloads.js';
import type { QueueHandler } from './handlerTypes.js';
import { withLambdaContext } from './lambdaContext.js';

/** The worker: a batch from the downloads queue, with the Lambda context in every log line. */
export function createWorkerHandler(deps: WorkerDeps): QueueHandler {
  return withLambdaContext(deps.logger, (event) => processDownloads(deps, event));
}
