import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import { handleRequest } from '../api/handleRequest.js';
import { lambdaDeps } from './lambdaDeps.js';

// Built once per container; the sandbox and tests call the same service code with their own deps.
const deps = lambdaDeps();

export const handler: APIGatewayProxyHandlerV2 = async (event) => handleRequest(deps, event);
