import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The route API Gateway selected for a request, and its decoded path parameters. */
export interface MatchedRoute {
  readonly routeKey: string;
  readonly pathParameters: Record<string, string>;
}

export interface RawRequest {
  readonly method: string;
  /** Path and query as the client sent them, e.g. `/v1/users/u1/library?limit=10`. */
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly host: string;
}

const TEXTUAL = /^(text\/|application\/(json|[\w.+-]+\+json|xml|javascript|x-www-form-urlencoded))/i;

/** Builds the payload-2.0 event API Gateway HTTP API hands a Lambda integration. */
export function buildApiEvent(req: RawRequest, route: MatchedRoute, now = new Date()): APIGatewayProxyEventV2 {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQueryString = q < 0 ? '' : req.url.slice(q + 1);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'cookie')
      cookies.push(
        ...[value]
          .flat()
          .join(';')
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    else headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  const query = new URLSearchParams(rawQueryString);
  const queryStringParameters: Record<string, string> = {};
  for (const k of new Set(query.keys())) queryStringParameters[k] = query.getAll(k).join(',');
  const textual = TEXTUAL.test(headers['content-type'] ?? 'application/json');
  const hasBody = req.body.length > 0;
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters } : {}),
    ...(Object.keys(route.pathParameters).length ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: req.host,
      domainPrefix: req.host.split('.')[0] ?? req.host,
      http: {
        method: req.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: textual ? req.body.toString('utf8') : req.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !textual,
  };
}
