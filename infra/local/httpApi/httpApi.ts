import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AnswerCheck } from './answerContract.js';
import { buildApiEvent } from './apiEvent.js';
import { type CorsConfiguration, isPreflight, preflightHeaders, withCorsHeaders } from './cors.js';
import type { JwtAuthorizer, JwtContext } from './jwtAuthorizer.js';
import { type CompiledRoute, compileRoutes, selectRoute } from './routeSelection.js';

/** API Gateway HTTP API's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** The event a Lambda proxy integration receives; JWT routes carry the authorizer's claims. */
export type IntegrationEvent = APIGatewayProxyEventV2 & {
  readonly requestContext: { readonly authorizer?: { readonly jwt: JwtContext } };
};

/** A route's Lambda proxy integration (payload 2.0): what the function returns, or throws. */
export type Integration = (event: IntegrationEvent) => Promise<unknown>;

export interface PlannedRoute {
  /** `$default` or `METHOD /path`, checked as API Gateway checks it on deploy. */
  readonly routeKey: string;
  readonly integration: Integration;
  /** The route's JWT authorizer (AuthorizationType JWT); none: the integration decides. */
  readonly authorizer?: { readonly identityHeader: string; readonly verify: JwtAuthorizer } | undefined;
  /** The route's AuthorizationScopes. */
  readonly scopes?: readonly string[];
}

/** What an HTTP API is, whichever side it was read from: the source tree's route table or a template. */
export interface HttpApiPlan {
  readonly routes: readonly PlannedRoute[];
  readonly cors?: CorsConfiguration | undefined;
}

export interface HttpApiOptions {
  readonly port?: number | undefined;
  readonly host?: string;
  /**
   * Each integration answer held to the API's contract (answerContract.ts). One that breaks it
   * is answered as a 500 that names the break, and told to `onViolation`: API Gateway would pass
   * it on, but a laptop's stack is where such a bug must be loud.
   */
  readonly answers?: { readonly check: AnswerCheck; readonly onViolation?: (violation: string) => void } | undefined;
}

export interface HttpApiServer {
  readonly url: string;
  readonly server: http.Server;
  /** Stops taking requests and waits for the ones in flight. */
  close(): Promise<void>;
}

const json = { 'content-type': 'application/json' };
const notFound = { statusCode: 404, headers: json, body: JSON.stringify({ message: 'Not Found' }) };
const internalError = { statusCode: 500, headers: json, body: JSON.stringify({ message: 'Internal Server Error' }) };

/**
 * Stands in for API Gateway's HTTP API on a laptop, the same in both modes: route keys and route
 * selection, the payload-2.0 event, the JWT authorizer in front of the routes that have one
 * (claims passed in `requestContext.authorizer.jwt`), the CORS configuration (preflights answered
 * here, the integration's CORS headers replaced), a function's failure as API Gateway's 500, and
 * unknown routes and oversized bodies as API Gateway answers them.
 */
export async function startHttpApi(plan: HttpApiPlan, opts: HttpApiOptions = {}): Promise<HttpApiServer> {
  const routes = compileRoutes(plan.routes.map((r) => ({ routeKey: r.routeKey, target: r })));
  const host = opts.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    void serve(routes, plan.cors, opts.answers, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, json);
      res.end(JSON.stringify({ message: 'Internal Server Error' }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

async function serve(
  routes: readonly CompiledRoute<PlannedRoute>[],
  cors: CorsConfiguration | undefined,
  answers: HttpApiOptions['answers'],
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const rawPath = url.split('?')[0] ?? '/';
  const headers = lowerCaseHeaders(req.headers);
  const route = selectRoute(routes, method, rawPath);
  // With a CORS configuration API Gateway answers preflights itself, with or without an OPTIONS
  // route (an explicit one wins over `$default`).
  if (cors && isPreflight(method, headers) && (!route || route.routeKey === '$default')) {
    res.writeHead(204, preflightHeaders(cors, headers));
    res.end();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) {
      send(res, { statusCode: 413, headers: json, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
      req.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  if (!route) {
    send(res, withCors(cors, headers, notFound));
    return;
  }
  const event = buildApiEvent(
    {
      method,
      url,
      headers: req.headers,
      body: Buffer.concat(chunks),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      host: req.headers.host ?? 'localhost',
    },
    route,
  );
  const out = await answer(route.target, event, answers);
  send(res, withCors(cors, headers, out), event.requestContext.requestId);
}

/** The authorizer first (it answers for a refused token), then the integration. */
async function answer(
  route: PlannedRoute,
  event: APIGatewayProxyEventV2,
  answers: HttpApiOptions['answers'],
): Promise<APIGatewayProxyStructuredResultV2> {
  let invoked: IntegrationEvent = event;
  if (route.authorizer) {
    const decision = await route.authorizer.verify(event.headers[route.authorizer.identityHeader], route.scopes);
    if (!decision.ok)
      return {
        statusCode: decision.status,
        headers: { ...json, ...(decision.status === 401 ? { 'www-authenticate': 'Bearer' } : {}) },
        body: JSON.stringify(decision.body),
      };
    invoked = { ...event, requestContext: { ...event.requestContext, authorizer: { jwt: decision.jwt } } };
  }
  let out: APIGatewayProxyStructuredResultV2;
  try {
    out = toHttpResult(await route.integration(invoked));
  } catch {
    // A function error or timeout: API Gateway answers 500 with its own body.
    return internalError;
  }
  const violation = answers?.check(route.routeKey, out);
  if (violation === undefined) return out;
  answers?.onViolation?.(violation);
  return {
    statusCode: 500,
    headers: json,
    body: JSON.stringify({ message: 'the answer broke the API contract', violation }),
  };
}

/** Payload 2.0: a result without `statusCode` is a 200 JSON body, as API Gateway infers it. */
function toHttpResult(value: unknown): APIGatewayProxyStructuredResultV2 {
  if (value && typeof value === 'object' && 'statusCode' in value) return value as APIGatewayProxyStructuredResultV2;
  return { statusCode: 200, headers: json, body: typeof value === 'string' ? value : JSON.stringify(value) };
}

/** With a CORS configuration, API Gateway's headers replace the integration's. */
function withCors(
  cors: CorsConfiguration | undefined,
  requestHeaders: Readonly<Record<string, string | undefined>>,
  out: APIGatewayProxyStructuredResultV2,
): APIGatewayProxyStructuredResultV2 {
  return cors ? { ...out, headers: withCorsHeaders(cors, requestHeaders, out.headers ?? {}) } : out;
}

function send(res: http.ServerResponse, out: APIGatewayProxyStructuredResultV2, requestId?: string): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers ?? {})) headers[k] = String(v);
  if (out.cookies?.length) res.setHeader('set-cookie', out.cookies);
  res.writeHead(out.statusCode ?? 200, { ...headers, ...(requestId ? { 'apigw-requestid': requestId } : {}) });
  const body = out.body ?? '';
  res.end(out.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function lowerCaseHeaders(h: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}
