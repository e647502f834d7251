import { createListenerHandler } from '../runtime/createListenerHandler.js';
import { listenerDepsFromEnv } from '../runtime/listenerDepsFromEnv.js';

// Built once per container from the function's environment, by the builder every local run uses.
export const handler = createListenerHandler(listenerDepsFromEnv(process.env));
