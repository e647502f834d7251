import type { APIGatewayProxyHandlerV2WithJWTAuthorizer } from 'aws-lambda';
import { createS3Client } from '../adapters/aws/s3Client.js';
import { handleListenerRequest } from '../api/handleListenerRequest.js';
import { buildListenerDeps } from '../service/listenerDeps.js';
import { lambdaInput } from './lambdaRuntime.js';

// Built once per container. The S3 client only signs URLs: it never sends a request.
const deps = buildListenerDeps({ ...lambdaInput(), s3: createS3Client(process.env) });

export const handler: APIGatewayProxyHandlerV2WithJWTAuthorizer = async (event) => handleListenerRequest(deps, event);
