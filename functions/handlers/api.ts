import { apiDepsFromEnv } from '../runtime/apiDepsFromEnv.js';
import { createApiHandler } from '../runtime/createApiHandler.js';

// Built once per container from the function's environment, by the builder every local run uses.
export const handler = createApiHandler(apiDepsFromEnv(process.env));
