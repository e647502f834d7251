import { completionDepsFromEnv } from '../runtime/completionDepsFromEnv.js';
import { createCompletionHandler } from '../runtime/createCompletionHandler.js';

// Built once per container from the function's environment, by the builder every local run uses.
export const handler = createCompletionHandler(completionDepsFromEnv(process.env));
