import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { buildApiEvent } from '../../infra/local/httpApi/apiEvent.js';
import { matchSourceRoute } from '../../infra/local/httpApi/sourcePlan.js';

/** The payload-2.0 event API Gateway would hand the api function for this request. */
export function apiRequest(
  method: string,
  url: string,
  opts: { apiKey?: string; body?: unknown } = {},
): APIGatewayProxyEventV2 {
  const path = url.split('?')[0] ?? url;
  const route = matchSourceRoute(method, path);
  if (!route) throw new Error(`no route for ${method} ${path}`);
  const body = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string> = {
    host: 'api.local',
    ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
  };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  return buildApiEvent({ method, url, headers, body, sourceIp: '127.0.0.1', host: 'api.local' }, route);
}
