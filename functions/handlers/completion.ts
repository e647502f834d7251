import { KMSClient } from '@aws-sdk/client-kms';
import type { SQSHandler } from 'aws-lambda';
import { createSecretBox } from '../adapters/secrets/createSecretBox.js';
import { buildCompletionDeps } from '../service/completionDeps.js';
import { processCompletions } from '../service/completion/processCompletions.js';
import { lambdaInput } from './lambdaRuntime.js';

// Built once per container; the sandbox and tests call the same service code with their own deps.
const deps = buildCompletionDeps({ ...lambdaInput(), secretBox: createSecretBox(process.env, new KMSClient({})) });

export const handler: SQSHandler = async (event) => processCompletions(deps, event);
