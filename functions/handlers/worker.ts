import { createWorkerHandler } from '../runtime/createWorkerHandler.js';
import { workerDepsFromEnv } from '../runtime/workerDepsFromEnv.js';

// Built once per container from the function's environment, by the builder every local run uses.
export const handler = createWorkerHandler(workerDepsFromEnv(process.env));
