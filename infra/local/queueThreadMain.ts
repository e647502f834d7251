/** The thread side of queueThread.ts: one queue function and its event source, built from the environment alone. */

import { parentPort, workerData } from 'node:worker_threads';
import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../../functions/adapters/clients.js';
import { completionDepsFromEnv } from '../../functions/runtime/completionDepsFromEnv.js';
import { createCompletionHandler } from '../../functions/runtime/createCompletionHandler.js';
import { createWorkerHandler } from '../../functions/runtime/createWorkerHandler.js';
import type { QueueHandler } from '../../functions/runtime/handlerTypes.js';
import { workerDepsFromEnv } from '../../functions/runtime/workerDepsFromEnv.js';
import { localCredentials, localRegion } from './emulators.js';
import { pollerConsumer } from './eventSourcePlan.js';
import { localContext } from './lambdaContext.js';
import { queueFairness } from './localTenant.js';
import { QueuePoller } from './queuePoller.js';
import { type FromQueueThread, queueThreadData, toQueueThread } from './queueThreadMessages.js';

const port = parentPort;
if (!port) throw new Error('queueThreadMain runs as a worker thread');
const data = queueThreadData.parse(workerData);
const send = (m: FromQueueThread): void => port.postMessage(m);
const handler: QueueHandler =
  data.kind === 'worker'
    ? createWorkerHandler(workerDepsFromEnv(data.env))
    : createCompletionHandler(completionDepsFromEnv(data.env));
const logger = new Logger({
  serviceName: 'trackdrop-local',
  logLevel: data.env.POWERTOOLS_LOG_LEVEL === 'SILENT' ? 'SILENT' : 'ERROR',
});
const { sqs } = createClients({}, { region: localRegion, credentials: localCredentials, endpoints: data.endpoints });
const poller: QueuePoller = new QueuePoller({
  sqs,
  queueUrl: data.source.queueUrl,
  consumer: pollerConsumer(data.source),
  reportBatchItemFailures: data.source.reportBatchItemFailures,
  leaseSeconds: data.leaseSeconds,
  ...queueFairness(data.fair),
  onError: (err) => logger.error('poller error', { error: err instanceof Error ? err : String(err) }),
  handler: (event) => handler(event, localContext(data.functionName, data.fn)),
  onInFlight: (inFlight, waiting) => send({ kind: 'state', inFlight, waiting, stats: { ...poller.stats } }),
});
// One ask at a time, in order: a stop that comes while a start is under way waits for it.
let asks = Promise.resolve();
port.on('message', (raw: unknown) => {
  const { kind, id } = toQueueThread.parse(raw);
  asks = asks.then(() =>
    (kind === 'start' ? poller.start() : poller.stop()).then(
      () => send({ kind: 'done', id }),
      (err: unknown) => send({ kind: 'done', id, error: err instanceof Error ? err.message : String(err) }),
    ),
  );
});
