import type { SQSHandler } from 'aws-lambda';
import { createS3Client } from '../adapters/aws/s3Client.js';
import { buildWorkerDeps } from '../service/workerDeps.js';
import { processDownloads } from '../service/worker/processDownloads.js';
import { lambdaInput, tracer } from './lambdaRuntime.js';

// Built once per container; the sandbox and tests call the same service code with their own deps.
const deps = buildWorkerDeps({ ...lambdaInput(), s3: tracer.captureAWSv3Client(createS3Client(process.env)) });

export const handler: SQSHandler = async (event) => processDownloads(deps, event);
