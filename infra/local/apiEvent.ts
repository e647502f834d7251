import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type RouteAuth, routeKey, routes } from '../../functions/api/routes.js';

interface CompiledRoute {
  readonly method: string;
  readonly key: string;
  readonly auth: RouteAuth;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

// The same route table API Gateway is given in the CDK app.
const compiled: readonly CompiledRoute[] = routes.map((r) => {
  const params: string[] = [];
  const source = r.path
    .split('/')
    .map((seg) =>
      seg.replace(/\{(\w+)\}|[^{}]+/g, (m, name: string | undefined) => {
        if (name) {
          params.push(name);
          return '([^/]+)';
        }
        return m.replace(/[.*+?^${}()|[\]\\:]/g, '\\$&');
      }),
    )
    .join('/');
  return { method: r.method, key: routeKey(r), auth: r.auth, pattern: new RegExp(`^${source}$`), params };
});

export interface MatchedRoute {
  readonly routeKey: string;
  /** Who checks the caller: `listener` routes have the JWT authorizer in front of them (undefined: the caller's own routing decides). */
  readonly auth?: RouteAuth;
  readonly pathParameters: Record<string, string>;
}

/** API Gateway's routing: method and path → route key and decoded path parameters. */
export function matchRoute(method: string, path: string): MatchedRoute | undefined {
  for (const r of compiled) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const pathParameters: Record<string, string> = {};
    try {
      for (const [i, p] of r.params.entries()) pathParameters[p] = decodeURIComponent(m[i + 1] ?? '');
    } catch {
      return undefined;
    }
    return { routeKey: r.key, auth: r.auth, pathParameters };
  }
  return undefined;
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
