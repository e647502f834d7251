/** The thread side of apiThread.ts: the api or listener function built from its environment alone, as Lambda builds it. */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { generatedOpenApi } from '../../functions/api/openApi.js';
import { apiDepsFromEnv } from '../../functions/runtime/apiDepsFromEnv.js';
import { createApiHandler } from '../../functions/runtime/createApiHandler.js';
import { createListenerHandler } from '../../functions/runtime/createListenerHandler.js';
import { listenerDepsFromEnv } from '../../functions/runtime/listenerDepsFromEnv.js';
import { settingsFromEnv } from '../../functions/settings.js';
import { type ApiThreadReply, apiThreadCall, apiThreadData } from './apiThreadMessages.js';
import { localContext } from './lambdaContext.js';

const port = parentPort;
if (!port) throw new Error('apiThreadMain runs as a worker thread');
const { kind, env, functionName, fn } = apiThreadData.parse(workerData);
// From the sources, the listener generates its OpenAPI document; a bundle reads the one built with it.
const handler =
  kind === 'api'
    ? createApiHandler(apiDepsFromEnv(env))
    : createListenerHandler(listenerDepsFromEnv(env, generatedOpenApi(settingsFromEnv(env))));
port.on('message', (raw: unknown) => {
  const { id, event } = apiThreadCall.parse(raw);
  const reply = (m: ApiThreadReply): void => port.postMessage(m);
  const t0 = performance.now();
  handler(event, localContext(functionName, fn)).then(
    (result) => reply({ id, result, ms: performance.now() - t0 }),
    (err: unknown) =>
      reply({
        id,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        ms: performance.now() - t0,
      }),
  );
});
