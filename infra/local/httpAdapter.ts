import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildApiEvent, type MatchedRoute, matchRoute } from './apiEvent.js';
import type { JwtAuthorizer } from './jwtAuthorizer.js';

/** API Gateway HTTP API's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface HttpAdapterOptions {
  readonly port?: number;
  readonly host?: string;
  /** Route selection; the shared route table by default, the template's routes as deployed. */
  readonly match?: (method: string, path: string) => MatchedRoute | undefined;
  /** The JWT authorizer in front of listener routes; without one they answer 401, as no token can pass. */
  readonly listenerAuthorizer?: JwtAuthorizer | undefined;
  /** Scopes listener routes require (the routes' AuthorizationScopes). */
  readonly listenerScopes?: readonly string[];
  /** The API's CORS configuration: origins a locker page may call from. */
  readonly cors?:
    | {
        readonly allowOrigins: readonly string[];
        readonly allowHeaders: readonly string[];
        readonly allowMethods: readonly string[];
        readonly maxAgeSeconds: number;
      }
    | undefined;
}

export interface HttpAdapter {
  readonly url: string;
  readonly server: http.Server;
  /** Stops taking requests and waits for the ones in flight. */
  close(): Promise<void>;
}

/**
 * Stands in for API Gateway on a laptop: routes by the shared route table, builds real
 * payload-2.0 events, puts the JWT authorizer in front of listener routes (claims passed in
 * `requestContext.authorizer.jwt`), answers CORS as an API with a CORS configuration does, and
 * answers unknown routes and oversized bodies as API Gateway does.
 */
export async function startHttpAdapter(handler: ApiHandler, opts: HttpAdapterOptions = {}): Promise<HttpAdapter> {
  const host = opts.host ?? '127.0.0.1';
  const match = opts.match ?? matchRoute;
  const server = http.createServer((req, res) => {
    void serve(handler, match, opts, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
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
  handler: ApiHandler,
  match: NonNullable<HttpAdapterOptions['match']>,
  opts: HttpAdapterOptions,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const corsHeaders = corsFor(opts.cors, req);
  for (const [k, v] of Object.entries(corsHeaders)) res.setHeader(k, v);
  // API Gateway answers a CORS preflight itself, before routing.
  if (opts.cors && req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    const preflight = Object.keys(corsHeaders).length
      ? {
          'access-control-allow-methods': opts.cors.allowMethods.join(','),
          'access-control-allow-headers': opts.cors.allowHeaders.join(','),
          'access-control-max-age': String(opts.cors.maxAgeSeconds),
        }
      : {};
    res.writeHead(204, preflight);
    res.end();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) {
      send(res, 413, { message: 'Request Entity Too Large' });
      req.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const url = req.url ?? '/';
  const path = url.split('?')[0] ?? '/';
  const route = match(req.method ?? 'GET', path);
  if (!route) {
    send(res, 404, { message: 'Not Found' });
    return;
  }
  const event = buildApiEvent(
    {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      body: Buffer.concat(chunks),
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      host: req.headers.host ?? 'localhost',
    },
    route,
  );
  if (route.auth === 'listener') {
    const decision = opts.listenerAuthorizer
      ? await opts.listenerAuthorizer(req.headers.authorization, opts.listenerScopes)
      : undefined;
    if (!decision?.ok) {
      res.setHeader('www-authenticate', 'Bearer');
      send(res, decision?.status ?? 401, decision?.body ?? { message: 'Unauthorized' });
      return;
    }
    const withJwt = {
      ...event,
      requestContext: {
        ...event.requestContext,
        authorizer: { principalId: '', integrationLatency: 0, jwt: decision.jwt },
      },
    };
    await answer(res, await handler(withJwt), event.requestContext.requestId);
    return;
  }
  await answer(res, await handler(event), event.requestContext.requestId);
}

async function answer(
  res: http.ServerResponse,
  out: APIGatewayProxyStructuredResultV2,
  requestId: string,
): Promise<void> {
  const body = out.body ?? '';
  res.writeHead(out.statusCode ?? 200, { ...(out.headers as Record<string, string>), 'apigw-requestid': requestId });
  res.end(out.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

/** The CORS headers API Gateway adds for an allowed origin; none for any other. */
function corsFor(cors: HttpAdapterOptions['cors'], req: http.IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (!cors || !origin) return {};
  if (!cors.allowOrigins.includes('*') && !cors.allowOrigins.includes(origin)) return {};
  return { 'access-control-allow-origin': cors.allowOrigins.includes('*') ? '*' : origin, vary: 'origin' };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
