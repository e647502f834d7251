import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** What the page needs to know: where the API and the issuer are, and whom to offer at sign-in. */
export interface LockerConfig {
  readonly apiUrl: string;
  readonly issuerUrl: string;
  readonly users: readonly string[];
}

export interface LockerServer {
  readonly url: string;
  /** Set once the API is up (the API's CORS configuration needs this server's origin first). */
  configure(config: LockerConfig): void;
  close(): Promise<void>;
}

const pageDir = join(import.meta.dirname, 'locker');
const files: Readonly<Record<string, [string, string]>> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/locker.css': ['locker.css', 'text/css; charset=utf-8'],
  '/locker.js': ['locker.js', 'text/javascript; charset=utf-8'],
};

/**
 * Serves the locker page: static files and its configuration. A locker on AWS would host the
 * same three files anywhere (S3 and CloudFront, say) and point them at the stack's API and
 * identity provider.
 */
export async function startLockerServer(opts: { port?: number; host?: string } = {}): Promise<LockerServer> {
  let config: LockerConfig | undefined;
  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' });
        res.end();
        return;
      }
      if (path === '/config.json') {
        res.writeHead(config ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(config ?? { error: 'starting' }));
        return;
      }
      const file = files[path];
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      const body = await readFile(join(pageDir, file[0]));
      res.writeHead(200, {
        'content-type': file[1],
        'cache-control': 'no-cache',
        // The page talks only to its own origin, the API and the issuer, and plays from S3.
        'content-security-policy':
          "default-src 'self'; connect-src *; img-src * data:; media-src *; style-src 'self'; script-src 'self'",
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    configure: (c) => (config = c),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
