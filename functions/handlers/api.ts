import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import { handleRequest } from '../api/handleRequest.js';
import { buildApiDeps } from '../service/apiDeps.js';
import { lambdaInput } from './lambdaRuntime.js';

// Built once per container; the sandbox and tests call the same service code with their own deps.
const deps = buildApiDeps(lambdaInput());

export const handler: APIGatewayProxyHandlerV2 = async (event) => handleRequest(deps, event);
