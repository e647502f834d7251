import type { SQSHandler } from 'aws-lambda';
import { processDownloads } from '../service/worker/processDownloads.js';
import { lambdaDeps } from './lambdaDeps.js';

// Built once per container; the sandbox and tests call the same service code with their own deps.
const deps = lambdaDeps();

export const handler: SQSHandler = async (event) => processDownloads(deps, event);
