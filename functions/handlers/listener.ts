import { bundledOpenApi } from '../adapters/openApiFile.js';
import { createListenerHandler } from '../runtime/createListenerHandler.js';
import { listenerDepsFromEnv } from '../runtime/listenerDepsFromEnv.js';

// Built once per container from the function's environment, by the builder every local run uses;
// the OpenAPI document is the one its bundling wrote beside it.
export const handler = createListenerHandler(listenerDepsFromEnv(process.env, bundledOpenApi(import.meta.url)));
