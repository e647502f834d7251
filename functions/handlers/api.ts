import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import { handleRequest } from '../api/handleRequest.js';
import { createClients } from '../adapters/clients.js';
import { readResourceNames } from '../adapters/config.js';
import { buildDeps } from '../service/deps.js';
import { defaultSettings } from '../settings.js';

// Built once per container; the sandbox and tests call handleRequest with their own deps.
const deps = buildDeps(createClients(process.env), readResourceNames(process.env), defaultSettings);

export const handler: APIGatewayProxyHandlerV2 = async (event) => handleRequest(deps, event);
