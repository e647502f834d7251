import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { StoreClient } from '../../testkit/storeClient.js';

let stack: LocalStack;
let client: StoreClient;
let other: StoreClient;
let cookie: string;
let otherCookie: string;
const origin = 'https://cdn.store.example';

before(async () => {
  // No pollers: nothing may be processed, and the queue shows whatever a bad call let through.
  stack = await startLocalStack({ pollers: false });
  const a = await registerStore(stack.stores, {
    storeId: 'store-a',
    callbackUrl: 'https://a.example/cb',
    allowOrigins: [origin],
  });
  const b = await registerStore(stack.stores, {
    storeId: 'store-b',
    callbackUrl: 'https://b.example/cb',
    allowOrigins: [origin],
  });
  client = new StoreClient(stack.api.url, a.apiKey);
  other = new StoreClient(stack.api.url, b.apiKey);
  cookie = (await client.openSession('u1')).body.cookie;
  otherCookie = (await other.openSession('u1')).body.cookie;
});

after(async () => stack?.stop());

const good = { trackUrl: `${origin}/t/1.mp3`, serviceTrackId: 1, downloadParams: 'p', hrDownload: 0 };

interface Case {
  name: string;
  call: () => Promise<{ status: number; body: unknown }>;
  status: number;
  code: string;
  message?: RegExp;
}

const cases: Case[] = [
  {
    name: 'no Authorization header',
    call: () => fetchRaw('POST', '/v1/downloads', '{"userId":"u1"}', {}),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'wrong API key',
    call: () => fetchRaw('POST', '/v1/downloads', '{"userId":"u1"}', { authorization: 'Bearer tdk_nope' }),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'malformed JSON',
    call: () => client.call('POST', '/v1/downloads', undefined, { rawBody: '{"userId":' }),
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'empty body',
    call: () => client.call('POST', '/v1/downloads', undefined, { rawBody: '' }),
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'JSON that is not an object',
    call: () => client.call('POST', '/v1/downloads', [1, 2]),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'missing userId',
    call: () => client.call('POST', '/v1/downloads', {}),
    status: 400,
    code: 'invalid_request',
    message: /userId/,
  },
  {
    name: 'extra field',
    call: () => client.call('POST', '/v1/downloads', { userId: 'u1', admin: true }),
    status: 400,
    code: 'invalid_request',
    message: /admin/,
  },
  {
    name: 'wrong type',
    call: () => client.call('POST', '/v1/downloads', { userId: 42 }),
    status: 400,
    code: 'invalid_request',
    message: /userId/,
  },
  {
    name: 'bad userId in body',
    call: () => client.call('POST', '/v1/downloads', { userId: 'a/b' }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'userId of dots in path',
    call: () => client.call('PUT', '/v1/users/.../licenses/1', {}),
    status: 400,
    code: 'invalid_request',
    message: /userId/,
  },
  {
    name: 'userId too long',
    call: () => client.putLicense('u'.repeat(129), 1),
    status: 400,
    code: 'invalid_request',
    message: /userId/,
  },
  {
    name: 'serviceTrackId over uint32 in path',
    call: () => client.call('PUT', '/v1/users/u1/licenses/4294967296', {}),
    status: 400,
    code: 'invalid_request',
    message: /serviceTrackId/,
  },
  {
    name: 'serviceTrackId negative in path',
    call: () => client.call('PUT', '/v1/users/u1/licenses/-1', {}),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'license with bad expiresAt',
    call: () => client.putLicense('u1', 1, { expiresAt: 'tomorrow' }),
    status: 400,
    code: 'invalid_request',
    message: /expiresAt/,
  },
  {
    name: 'deleting a license that does not exist',
    call: () => client.call('DELETE', '/v1/users/u1/licenses/77'),
    status: 404,
    code: 'license_not_found',
  },
  {
    name: 'serviceTrackId over uint32 in body',
    call: () => client.downloadTrack(cookie, { ...good, serviceTrackId: 2 ** 32 }),
    status: 400,
    code: 'invalid_request',
    message: /serviceTrackId/,
  },
  {
    name: 'serviceTrackId not an integer',
    call: () => client.downloadTrack(cookie, { ...good, serviceTrackId: 1.5 }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'downloadParams over 16 KiB',
    call: () => client.downloadTrack(cookie, { ...good, downloadParams: 'x'.repeat(16 * 1024 + 1) }),
    status: 413,
    code: 'download_params_too_large',
  },
  {
    name: 'downloadParams of multi-byte characters over 16 KiB',
    call: () => client.downloadTrack(cookie, { ...good, downloadParams: '\u6f22'.repeat(5462) }),
    status: 413,
    code: 'download_params_too_large',
  },
  {
    name: 'missing downloadParams',
    call: () =>
      client.call('POST', `/v1/downloads/${cookie}/tracks`, {
        trackUrl: good.trackUrl,
        serviceTrackId: 1,
        hrDownload: 0,
      }),
    status: 400,
    code: 'invalid_request',
    message: /downloadParams/,
  },
  {
    name: 'hrDownload not an HRESULT',
    call: () => client.downloadTrack(cookie, { ...good, hrDownload: 'yes' }),
    status: 400,
    code: 'invalid_request',
    message: /hrDownload/,
  },
  {
    name: 'hrDownload out of range',
    call: () => client.downloadTrack(cookie, { ...good, hrDownload: 2 ** 33 }),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'extra field on DownloadTrack',
    call: () => client.call('POST', `/v1/downloads/${cookie}/tracks`, { ...good, priority: 1 }),
    status: 400,
    code: 'invalid_request',
    message: /priority/,
  },
  {
    name: 'success code without trackUrl',
    call: () => client.downloadTrack(cookie, { serviceTrackId: 1, downloadParams: '', hrDownload: 0 }),
    status: 400,
    code: 'invalid_request',
    message: /trackUrl/,
  },
  {
    name: 'trackUrl of another scheme',
    call: () => client.downloadTrack(cookie, { ...good, trackUrl: 'ftp://cdn.store.example/1.mp3' }),
    status: 400,
    code: 'invalid_track_url',
  },
  {
    name: 'trackUrl off the allowlist',
    call: () => client.downloadTrack(cookie, { ...good, trackUrl: 'https://evil.example/1.mp3' }),
    status: 403,
    code: 'origin_not_allowed',
  },
  {
    name: 'trackUrl at the metadata service',
    call: () => client.downloadTrack(cookie, { ...good, trackUrl: 'http://169.254.169.254/latest/meta-data/' }),
    status: 403,
    code: 'origin_not_allowed',
  },
  {
    name: 'unknown cookie',
    call: () => client.downloadTrack('AAAAAAAAAAAAAAAAAAAAAAAA', good),
    status: 404,
    code: 'session_not_found',
  },
  {
    name: 'malformed cookie',
    call: () => client.downloadTrack('..%2F..', good),
    status: 404,
    code: 'session_not_found',
  },
  {
    name: "another store's cookie",
    call: () => client.downloadTrack(otherCookie, good),
    status: 404,
    code: 'session_not_found',
  },
  {
    name: "another store's session status",
    call: () => client.session(otherCookie),
    status: 404,
    code: 'session_not_found',
  },
  {
    name: "cancelling another store's session",
    call: () => client.call('DELETE', `/v1/downloads/${otherCookie}`),
    status: 404,
    code: 'session_not_found',
  },
  {
    name: 'batch over 100 tracks',
    call: () =>
      client.downloadTracks(
        cookie,
        Array.from({ length: 101 }, (_, i) => ({ ...good, serviceTrackId: i })),
      ),
    status: 400,
    code: 'invalid_request',
    message: /100/,
  },
  { name: 'empty batch', call: () => client.downloadTracks(cookie, []), status: 400, code: 'invalid_request' },
  {
    name: 'body over the size limit',
    call: () =>
      client.call('POST', '/v1/downloads', undefined, {
        rawBody: JSON.stringify({ userId: 'u1', pad: 'x'.repeat(2 * 1024 * 1024) }),
      }),
    status: 413,
    code: 'body_too_large',
  },
  {
    name: 'library limit out of range',
    call: () => client.library('u1', '?limit=0'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'library cursor forged',
    call: () => client.library('u1', '?next=Zm9v'),
    status: 400,
    code: 'invalid_request',
  },
  {
    name: 'library unknown query parameter',
    call: () => client.library('u1', '?sort=desc'),
    status: 400,
    code: 'invalid_request',
    message: /sort/,
  },
];

describe('bad input gets a clear error and changes nothing', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const res = await c.call();
      assert.equal(res.status, c.status, JSON.stringify(res.body));
      const err = (res.body as { error?: { code?: string; message?: string; hresult?: string } }).error;
      assert.equal(err?.code, c.code);
      assert.ok(err?.message && err.message.length > 5, 'a message a person can read');
      assert.match(err?.hresult ?? '', /^0x[0-9A-F]{8}$/);
      if (c.message) assert.match(err.message, c.message);
    });
  }

  test('after all of them: no track recorded, nothing queued, no license written', async () => {
    const status = await client.session(cookie);
    assert.equal(status.body.tracks.length, 0);
    const attrs = await stack.clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: stack.provisioned.names.queueUrls.downloads,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, '0');
    const lic = await stack.deps.api.trackFacts([{ userId: 'u1', storeId: 'store-a', serviceTrackId: 1 }]);
    assert.equal(lic.licenses.size, 0);
  });
});

test('an unknown route answers 404 as API Gateway does', async () => {
  const res = await fetch(`${stack.api.url}/v1/nothing`, { method: 'GET' });
  assert.equal(res.status, 404);
});

test('the same serviceTrackId with other arguments is a conflict; the same call is the same answer', async () => {
  const s = (await client.openSession('u2')).body.cookie;
  const first = await client.downloadTrack(s, { ...good, serviceTrackId: 9 });
  const same = await client.downloadTrack(s, { ...good, serviceTrackId: 9 });
  const changed = await client.downloadTrack(s, { ...good, serviceTrackId: 9, downloadParams: 'other' });
  assert.deepEqual([first.status, same.status, changed.status], [202, 202, 409]);
  assert.deepEqual(first.body, same.body);
  assert.equal((changed.body as { error: { code: string } }).error.code, 'track_conflict');
  const status = await client.session(s);
  assert.equal(status.body.tracks.length, 1);
});

test('a batch answers each track on its own', async () => {
  const s = (await client.openSession('u3')).body.cookie;
  const res = await client.downloadTracks(s, [
    { ...good, serviceTrackId: 1 },
    { ...good, serviceTrackId: 2, trackUrl: 'https://evil.example/x.mp3' },
    { serviceTrackId: 3, downloadParams: '', hrDownload: '0x80004004' },
    { serviceTrackId: 'four' },
  ]);
  assert.equal(res.status, 200);
  const r = res.body.results;
  assert.deepEqual(r[0], { serviceTrackId: 1, state: 'queued' });
  assert.equal((r[1] as { error: { code: string } }).error.code, 'origin_not_allowed');
  assert.deepEqual(r[2], { serviceTrackId: 3, state: 'declined', hrResult: '0x80004004' });
  assert.equal((r[3] as { error: { code: string } }).error.code, 'invalid_request');
  assert.equal((await client.session(s)).body.tracks.length, 2);
});

function fetchRaw(method: string, path: string, body: string, headers: Record<string, string>) {
  return fetch(`${stack.api.url}${path}`, {
    method,
    body,
    headers: { 'content-type': 'application/json', ...headers },
  }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as unknown,
  }));
}

test('POST /v1/downloads with an Idempotency-Key: a retry gets the same session, another body a 409', async () => {
  const headers = { 'idempotency-key': 'order-4711' };
  const first = await client.call<{ cookie: string }>('POST', '/v1/downloads', { userId: 'u9' }, { headers });
  const retry = await client.call<{ cookie: string }>('POST', '/v1/downloads', { userId: 'u9' }, { headers });
  assert.deepEqual([first.status, retry.status], [201, 201]);
  assert.equal(retry.body.cookie, first.body.cookie);
  const reused = await client.call<{ error: { code: string } }>(
    'POST',
    '/v1/downloads',
    { userId: 'u10' },
    { headers },
  );
  assert.equal(reused.status, 409);
  assert.equal(reused.body.error.code, 'idempotency_key_reused');
  // The key is the store's own: another store using it opens its own session.
  const theirs = await other.call<{ cookie: string }>('POST', '/v1/downloads', { userId: 'u9' }, { headers });
  assert.equal(theirs.status, 201);
  assert.notEqual(theirs.body.cookie, first.body.cookie);
  const noKey = await client.call<{ cookie: string }>('POST', '/v1/downloads', { userId: 'u9' });
  assert.notEqual(noKey.body.cookie, first.body.cookie, 'without a key every call opens a session');
});
