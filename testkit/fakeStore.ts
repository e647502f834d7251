import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { verifySignature } from '../packages/store-client/src/index.js';

export interface ReceivedEvent {
  readonly eventId: string;
  readonly verified: boolean;
  readonly body: Record<string, unknown> & { event: string };
  readonly raw: string;
  /** The Trackdrop-Signature header as it came, for verifiers of the store's own choosing. */
  readonly signature: string;
  readonly receivedAt: number;
}

/**
 * Lets a test make the origin or the callback endpoint misbehave: `drip` answers 200 at once,
 * then sends one byte every `dripIntervalMs`; `gzip` sends the body gzip-compressed with a
 * `Content-Encoding: gzip` nobody asked for.
 */
export type OriginFault = 'none' | 'status500' | 'truncate' | 'stall' | 'drip' | 'gzip';

export interface FakeStore {
  readonly originUrl: string;
  readonly callbackUrl: string;
  /** Serves `body` at `/tracks/<name>`; returns its URL. */
  addFile(name: string, body: Buffer, contentType?: string): string;
  sha256(name: string): string | undefined;
  readonly events: ReceivedEvent[];
  /** The secret callbacks are verified with (set after the store is registered). */
  secret: string;
  /** Status the callback endpoint answers; 200 normally, 503 to act as a store that is down. */
  callbackStatus: number;
  /** Milliseconds the callback endpoint takes to answer: a slow receiver (0 by default). */
  callbackDelayMs: number;
  /** Fault per file name, for origin failure tests. */
  readonly originFaults: Map<string, OriginFault>;
  /** Redirects the origin answers instead of a file: name → Location. */
  readonly redirects: Map<string, string>;
  /** Requests the origin served, by file name. */
  readonly originHits: Map<string, number>;
  /** The request headers of the last request for each file name. */
  readonly originRequestHeaders: Map<string, http.IncomingHttpHeaders>;
  /** Milliseconds between two bytes of a `drip` origin (default 3,000). */
  dripIntervalMs: number;
  /** Every callback attempt, answered or refused: event id and the status given. */
  readonly attempts: { eventId: string; status: number; at: number }[];
  close(): Promise<void>;
}

/**
 * A store on loopback: an origin serving track files and an endpoint receiving trackdrop's
 * callbacks, which verifies every signature over the raw body with the store client's verifier,
 * as docs/callbacks.md tells stores to.
 */
export interface FakeStoreOptions {
  readonly port?: number;
  /** Told of every callback the store took, as it is recorded (a store in a thread of its own reports them so). */
  readonly onEvent?: (event: ReceivedEvent) => void;
  /** Told of every origin request, by file name. */
  readonly onOriginHit?: (name: string) => void;
}

export async function startFakeStore(opts: FakeStoreOptions = {}): Promise<FakeStore> {
  const files = new Map<string, { body: Buffer; contentType: string; sha256: string }>();
  const store: Omit<FakeStore, 'originUrl' | 'callbackUrl' | 'close'> = {
    events: [],
    secret: '',
    callbackStatus: 200,
    callbackDelayMs: 0,
    originFaults: new Map(),
    originHits: new Map(),
    originRequestHeaders: new Map(),
    dripIntervalMs: 3000,
    redirects: new Map(),
    attempts: [],
    addFile(name, body, contentType = 'audio/mpeg') {
      files.set(name, { body, contentType, sha256: createHash('sha256').update(body).digest('hex') });
      return `${base}/tracks/${encodeURIComponent(name)}`;
    },
    sha256: (name) => files.get(name)?.sha256,
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.startsWith('/tracks/')) {
      const name = decodeURIComponent(url.pathname.slice('/tracks/'.length));
      store.originHits.set(name, (store.originHits.get(name) ?? 0) + 1);
      opts.onOriginHit?.(name);
      store.originRequestHeaders.set(name, req.headers);
      const location = store.redirects.get(name);
      if (location) {
        res.writeHead(302, { location }).end();
        return;
      }
      const file = files.get(name);
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      const fault = store.originFaults.get(name) ?? 'none';
      if (fault === 'status500') {
        res.writeHead(500).end();
        return;
      }
      if (fault === 'stall') return; // never answers
      if (fault === 'gzip') {
        const packed = gzipSync(file.body);
        res
          .writeHead(200, {
            'content-type': file.contentType,
            'content-encoding': 'gzip',
            'content-length': packed.length,
          })
          .end(packed);
        return;
      }
      if (fault === 'drip') {
        res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length });
        let at = 0;
        const timer = setInterval(() => {
          if (res.destroyed || at >= file.body.length) {
            clearInterval(timer);
            if (!res.destroyed) res.end();
            return;
          }
          res.write(file.body.subarray(at, at + 1));
          at += 1;
        }, store.dripIntervalMs);
        res.on('close', () => clearInterval(timer));
        return;
      }
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length });
      if (fault === 'truncate') {
        // Half the body really leaves, then the connection drops.
        res.write(file.body.subarray(0, Math.floor(file.body.length / 2)), () => setTimeout(() => res.destroy(), 20));
        return;
      }
      res.end(file.body);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/callbacks') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (store.callbackDelayMs > 0) await new Promise((r) => setTimeout(r, store.callbackDelayMs));
        const bytes = Buffer.concat(chunks);
        const raw = bytes.toString('utf8');
        const eventId = String(req.headers['trackdrop-event-id'] ?? '');
        store.attempts.push({ eventId, status: store.callbackStatus, at: Date.now() });
        if (store.callbackStatus < 200 || store.callbackStatus >= 300) {
          res.writeHead(store.callbackStatus).end();
          return;
        }
        const signature = String(req.headers['trackdrop-signature'] ?? '');
        const verified = verifySignature({ secret: store.secret, header: signature, rawBody: bytes });
        const body = JSON.parse(raw) as ReceivedEvent['body'];
        const event = { eventId, verified, body, raw, signature, receivedAt: Date.now() };
        store.events.push(event);
        opts.onEvent?.(event);
        res.writeHead(verified ? 200 : 401).end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(store, {
    originUrl: base,
    callbackUrl: `${base}/callbacks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as FakeStore;
}
