import type { WorkerDeps } from '../service/deps.js';
import { processErasures } from '../service/erasure/processErasures.js';
import { isFromQueue } from '../service/queueRecords.js';
import { processDownloads } from '../service/worker/processDownloads.js';
import type { QueueHandler } from './handlerTypes.js';
import { withLambdaContext } from './lambdaContext.js';

/**
 * The worker: a batch from the downloads queue, or a step of a user's erasure from the
 * erasures queue (each event source's batches come apart), with the Lambda context in every log line.
 */
export function createWorkerHandler(deps: WorkerDeps): QueueHandler {
  // The remaining time bounds each fetch, so a slow origin cannot outlive the invocation.
  return withLambdaContext(deps.logger, (event, context) =>
    isFromQueue(deps.erasuresQueue.queueUrl, event.Records[0]?.eventSourceARN)
      ? processErasures(deps, event)
      : processDownloads(deps, event, context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
  );
}
