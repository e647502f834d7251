import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiError } from '../core/errors.js';

export function json(
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

export function errorResponse(err: ApiError, requestId?: string): APIGatewayProxyStructuredResultV2 {
  const body = err.toBody();
  return json(err.status, requestId ? { error: { ...body.error, requestId } } : body);
}
