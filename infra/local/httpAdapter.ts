import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildApiEvent, matchRoute, type MatchedRoute } from './apiEvent.js';

/** API Gateway HTTP API's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface HttpAdapter {
  readonly url: string;
  readonly server: http.Server;
  /** Stops taking requests and waits for the ones in flight. */
  close(): Promise<void>;
}

/**
 * Stands in for API Gateway on a laptop: routes by the shared route table, builds real
 * payload-2.0 events, and answers unknown routes and oversized bodies as API Gateway does.
 */
export interface HttpAdapterOptions {
  readonly port?: number;
  readonly host?: string;
  /** Route selection; the shared route table by default, the template's routes as deployed. */
  readonly match?: (method: string, path: string) => MatchedRoute | undefined;
}

export async function startHttpAdapter(handler: ApiHandler, opts: HttpAdapterOptions = {}): Promise<HttpAdapter> {
  const host = opts.host ?? '127.0.0.1';
  const match = opts.match ?? matchRoute;
  const server = http.createServer((req, res) => {
    void serve(handler, match, req, res).catch(() => {
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

async function serve(handler: ApiHandler, match: NonNullable<HttpAdapterOptions['match']>, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
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
  const out = await handler(event);
  const body = out.body ?? '';
  res.writeHead(out.statusCode ?? 200, { ...(out.headers as Record<string, string>), 'apigw-requestid': event.requestContext.requestId });
  res.end(out.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
