import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  createStoreClient,
  retryAfterMs,
  retryDelayMs,
  retryPolicy,
  StoreApiError,
} from '../../packages/store-client/src/index.js';

// The store client against a tiny API of its own: what it sends again on a 429, how long it
// waits first, and which items of a batch it sends again.

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly at: number;
}

let server: http.Server;
let baseUrl: string;
const seen: Seen[] = [];
/** What the API answers next, by `METHOD path`: each answer once, in order. */
const script = new Map<string, { status: number; headers?: Record<string, string>; body?: unknown }[]>();

const session = {
  cookie: 'c1',
  userId: 'u',
  createdAt: '2026-01-01T00:00:00.000Z',
  counts: { queued: 0, stored: 0, completed: 1, failed: 0, cancelled: 0, declined: 0 },
  tracks: [{ serviceTrackId: 1, state: 'completed' }],
};
const throttled = {
  status: 429,
  headers: { 'retry-after': '1' },
  body: { error: { code: 'throttled', message: 'slow down' } },
};

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      seen.push({ method: req.method ?? '', path, body: text ? JSON.parse(text) : undefined, at: Date.now() });
      const next = script.get(`${req.method} ${path}`)?.shift();
      if (!next) {
        res.writeHead(500).end();
        return;
      }
      res
        .writeHead(next.status, { 'content-type': 'application/json', ...next.headers })
        .end(next.body === undefined ? '' : JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  baseUrl = `http://127.0.0.1:${address.port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen.length = 0;
  script.clear();
});

describe('a 429 with Retry-After', () => {
  test('is sent again once the seconds it names have passed, and then answers', async () => {
    script.set('GET /v1/downloads/c1', [throttled, { status: 200, body: session }]);
    const client = createStoreClient({ baseUrl, apiKey: 'k' });
    const answer = await client.getSession('c1');
    assert.deepEqual(answer, session);
    assert.equal(seen.length, 2);
    const [first, second] = seen;
    assert.ok(first && second);
    assert.ok(second.at - first.at >= 1000, `came back after ${second.at - first.at} ms, before the Retry-After`);
  });

  test('waits what it names plus jitter, never less, within the cap', async () => {
    script.set('GET /v1/downloads/c1', [
      throttled,
      { ...throttled, headers: { 'retry-after': '2' } },
      { status: 200, body: session },
    ]);
    const waits: number[] = [];
    const client = createStoreClient({
      baseUrl,
      apiKey: 'k',
      retry: { sleep: async (ms) => void waits.push(ms), random: () => 0.5, jitter: 0.2 },
    });
    await client.getSession('c1');
    assert.deepEqual(waits, [1100, 2200]);
  });

  test('beyond the cap is not waited for: the 429 comes back as a StoreApiError', async () => {
    script.set('GET /v1/downloads/c1', [{ ...throttled, headers: { 'retry-after': '120' } }]);
    const client = createStoreClient({ baseUrl, apiKey: 'k', retry: { maxDelayMs: 5_000 } });
    await assert.rejects(
      client.getSession('c1'),
      (err: unknown) =>
        err instanceof StoreApiError && err.status === 429 && err.code === 'throttled' && err.retryAfterSeconds === 120,
    );
    assert.equal(seen.length, 1);
  });

  test('is sent maxAttempts times at most', async () => {
    script.set('GET /v1/downloads/c1', [throttled, throttled, throttled, throttled]);
    const client = createStoreClient({ baseUrl, apiKey: 'k', retry: { maxAttempts: 3, sleep: async () => {} } });
    await assert.rejects(client.getSession('c1'), (err: unknown) => err instanceof StoreApiError && err.status === 429);
    assert.equal(seen.length, 3);
  });

  test('another error is not sent again', async () => {
    script.set('GET /v1/downloads/c1', [
      { status: 404, body: { error: { code: 'session_not_found', message: 'no' } } },
    ]);
    const client = createStoreClient({ baseUrl, apiKey: 'k' });
    await assert.rejects(
      client.getSession('c1'),
      (err: unknown) => err instanceof StoreApiError && err.code === 'session_not_found',
    );
    assert.equal(seen.length, 1);
  });
});

describe('a batch whose items come back throttled', () => {
  test("licenses:batch sends again only the throttled licenses, and answers in the items' order", async () => {
    const error = { code: 'throttled', message: 'DynamoDB was busy' };
    script.set('PUT /v1/users/u/licenses:batch', [
      {
        status: 200,
        body: {
          results: [
            { serviceTrackId: 1, state: 'stored' },
            { serviceTrackId: 2, error },
            { serviceTrackId: 3, state: 'stored' },
            { serviceTrackId: 4, error },
          ],
        },
      },
      {
        status: 200,
        body: {
          results: [
            { serviceTrackId: 2, state: 'stored' },
            { serviceTrackId: 4, state: 'stored' },
          ],
        },
      },
    ]);
    const waits: number[] = [];
    const client = createStoreClient({ baseUrl, apiKey: 'k', retry: { sleep: async (ms) => void waits.push(ms) } });
    const results = await client.putLicenseBatch(
      'u',
      [1, 2, 3, 4].map((serviceTrackId) => ({ serviceTrackId })),
    );
    assert.deepEqual(
      results,
      [1, 2, 3, 4].map((serviceTrackId) => ({ serviceTrackId, state: 'stored' })),
    );
    assert.deepEqual(
      seen.map((s) => s.body),
      [
        { licenses: [{ serviceTrackId: 1 }, { serviceTrackId: 2 }, { serviceTrackId: 3 }, { serviceTrackId: 4 }] },
        { licenses: [{ serviceTrackId: 2 }, { serviceTrackId: 4 }] },
      ],
    );
    assert.equal(waits.length, 1, 'one wait, between the two sends');
  });

  test('tracks:batch does the same, keeps other refusals, and a 429 of the whole call is sent again whole', async () => {
    const track = (serviceTrackId: number) => ({
      trackUrl: `https://origin.example/${serviceTrackId}.mp3`,
      serviceTrackId,
      downloadParams: `p${serviceTrackId}`,
      hrDownload: 0,
    });
    script.set('POST /v1/downloads/c1/tracks:batch', [
      throttled,
      {
        status: 200,
        body: {
          results: [
            { serviceTrackId: 1, state: 'queued' },
            { serviceTrackId: 2, error: { code: 'throttled', message: 'busy' } },
            { serviceTrackId: 3, error: { code: 'origin_not_allowed', message: 'no' } },
          ],
        },
      },
      { status: 200, body: { results: [{ serviceTrackId: 2, state: 'queued' }] } },
    ]);
    const client = createStoreClient({ baseUrl, apiKey: 'k', retry: { sleep: async () => {} } });
    const results = await client.downloadTrackBatch('c1', [track(1), track(2), track(3)]);
    assert.deepEqual(results, [
      { serviceTrackId: 1, state: 'queued' },
      { serviceTrackId: 2, state: 'queued' },
      { serviceTrackId: 3, error: { code: 'origin_not_allowed', message: 'no' } },
    ]);
    assert.deepEqual(
      seen.map((s) => s.body),
      [{ tracks: [track(1), track(2), track(3)] }, { tracks: [track(1), track(2), track(3)] }, { tracks: [track(2)] }],
    );
  });

  test('an item still throttled when the attempts run out is answered throttled', async () => {
    const stillBusy = {
      status: 200,
      body: { results: [{ serviceTrackId: 9, error: { code: 'throttled', message: 'busy' } }] },
    };
    script.set('PUT /v1/users/u/licenses:batch', [stillBusy, stillBusy]);
    const client = createStoreClient({ baseUrl, apiKey: 'k', retry: { maxAttempts: 2, sleep: async () => {} } });
    const [result] = await client.putLicenseBatch('u', [{ serviceTrackId: 9 }]);
    assert.ok(result && 'error' in result && result.error.code === 'throttled');
    assert.equal(seen.length, 2);
  });

  test('more items than a batch holds go in several calls, in order', async () => {
    script.set('PUT /v1/users/u/licenses:batch', [
      {
        status: 200,
        body: {
          results: [
            { serviceTrackId: 1, state: 'stored' },
            { serviceTrackId: 2, state: 'stored' },
          ],
        },
      },
      { status: 200, body: { results: [{ serviceTrackId: 3, state: 'stored' }] } },
    ]);
    const client = createStoreClient({ baseUrl, apiKey: 'k', batchSize: 2 });
    const results = await client.putLicenseBatch('u', [
      { serviceTrackId: 1 },
      { serviceTrackId: 2 },
      { serviceTrackId: 3 },
    ]);
    assert.deepEqual(
      results.map((r) => r.serviceTrackId),
      [1, 2, 3],
    );
    assert.equal(seen.length, 2);
  });
});

describe('the waits', () => {
  test('Retry-After is read as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs('3', now), 3000);
    assert.equal(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(retryAfterMs(null, now), undefined);
    assert.equal(retryAfterMs('soon', now), undefined);
  });

  test('without a Retry-After the wait doubles from the base, jittered upwards, capped', () => {
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 500, jitter: 0.5, random: () => 1, maxAttempts: 10 });
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, undefined, policy)),
      [150, 300, 500, 500],
    );
    assert.equal(retryDelayMs(10, undefined, policy), undefined, 'the last attempt is not followed by a wait');
  });
});
