import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { StoreClient } from '../../testkit/storeClient.js';

// A store API whose function answers one field the contract does not declare, and one status it
// does not list: the local HTTP API must refuse to pass either on.
let stack: LocalStack;
let client: StoreClient;

before(async () => {
  stack = await startLocalStack({
    pollers: false,
    logLevel: 'SILENT',
    wrap: {
      api: (handler) => async (event, context) => {
        const out = await handler(event, context);
        const drift = event.headers['x-drift'];
        if (typeof out !== 'object' || out.statusCode !== 201 || drift === undefined) return out;
        if (drift === 'status') return { ...out, statusCode: 203 };
        const body: unknown = JSON.parse(out.body ?? '{}');
        return { ...out, body: JSON.stringify({ ...(body as object), internalShard: 3 }) };
      },
    },
  });
  const { apiKey } = await registerStore(stack.stores, {
    storeId: 'drift',
    callbackUrl: 'https://d.example/cb',
    allowOrigins: ['https://cdn.d.example'],
  });
  client = new StoreClient(stack.api.url, apiKey);
});

after(async () => stack?.stop());

test('an answer with a field the contract does not declare is a 500 that names the field', async () => {
  const res = await client.call<{ message: string; violation: string }>(
    'POST',
    '/v1/downloads',
    { userId: 'u1' },
    { headers: { 'x-drift': 'field' } },
  );
  assert.equal(res.status, 500);
  assert.match(res.body.violation, /^POST \/v1\/downloads 201: .*additional properties/);
});

test('an answer with a status the contract does not list is a 500', async () => {
  const res = await client.call<{ violation: string }>(
    'POST',
    '/v1/downloads',
    { userId: 'u1' },
    { headers: { 'x-drift': 'status' } },
  );
  assert.equal(res.status, 500);
  assert.match(res.body.violation, /answered 203, which the contract does not list/);
});

test('answers that keep the contract pass untouched, errors included', async () => {
  const bad = await client.call<{ error: { code: string } }>('POST', '/v1/downloads', { userId: '..' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_request');
  const missing = await client.session('A'.repeat(22));
  assert.equal(missing.status, 404);
});

test('a batch item whose id is no uint32 is refused on its own, and the answer keeps the contract', async () => {
  const cookie = (await client.openSession('u2')).body.cookie;
  const res = await client.downloadTracks(cookie, [{ serviceTrackId: -1, downloadParams: '', hrDownload: 0 }]);
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.body.results[0] ?? {}), ['error']);
});
