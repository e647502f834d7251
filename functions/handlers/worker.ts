import { Tracer } from '@aws-lambda-powertools/tracer';
import type { SQSHandler } from 'aws-lambda';
import { createS3Client } from '../adapters/aws/s3Client.js';
import { buildWorkerDeps } from '../service/workerDeps.js';
import { processDownloads } from '../service/worker/processDownloads.js';
import { lambdaInput, serviceName, type Instrument } from './lambdaRuntime.js';

// The worker's time goes to S3 and DynamoDB: each call gets its own X-Ray subsegment. (The api
// and completion functions keep to Lambda's own tracing, which keeps their bundles small.)
const tracer = new Tracer({ serviceName });
const traced: Instrument = (client) => tracer.captureAWSv3Client(client);

// Built once per container; the sandbox and tests call the same service code with their own deps.
const deps = buildWorkerDeps({ ...lambdaInput(traced), s3: traced(createS3Client(process.env)) });

export const handler: SQSHandler = async (event, context) => processDownloads(deps, event, { remainingMs: () => context.getRemainingTimeInMillis() });
