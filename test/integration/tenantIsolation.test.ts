import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { defaultSettings } from '../../functions/settings.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { StoreClient } from '../../testkit/storeClient.js';

let stack: LocalStack;
let alice: StoreClient;
let mallory: StoreClient;
let cookie: string;
const origin = 'https://cdn.alice.example';

before(async () => {
  const settings = { ...defaultSettings, limits: { ...defaultSettings.limits, storeRatePerSecond: 1, storeBurst: 40 } };
  stack = await startLocalStack({ pollers: false, settings });
  const a = await registerStore(stack.stores, {
    storeId: 'alice-music',
    callbackUrl: 'https://alice.example/cb',
    allowOrigins: [origin],
  });
  const m = await registerStore(stack.stores, {
    storeId: 'mallory-music',
    callbackUrl: 'https://mallory.example/cb',
    allowOrigins: [origin],
  });
  alice = new StoreClient(stack.api.url, a.apiKey);
  mallory = new StoreClient(stack.api.url, m.apiKey);
  await alice.putLicense('u1', 5);
  cookie = (await alice.openSession('u1')).body.cookie;
  await alice.downloadTrack(cookie, {
    trackUrl: `${origin}/5.mp3`,
    serviceTrackId: 5,
    downloadParams: 'secret-params',
    hrDownload: 0,
  });
  await stack.deps.worker.library.addOnce({
    userId: 'u1',
    storeId: 'alice-music',
    serviceTrackId: 5,
    cookie,
    key: 'users/u1/Music/A/B/05 C.mp3',
    bytes: 1,
    sha256: 'a'.repeat(64),
    addedAt: new Date().toISOString(),
  });
});

after(async () => stack?.stop());

test("another store cannot read, add to or cancel a store's session", async () => {
  assert.equal((await mallory.session(cookie)).status, 404);
  assert.equal(
    (
      await mallory.downloadTrack(cookie, {
        trackUrl: `${origin}/6.mp3`,
        serviceTrackId: 6,
        downloadParams: '',
        hrDownload: 0,
      })
    ).status,
    404,
  );
  assert.equal(
    (
      await mallory.downloadTracks(cookie, [
        { trackUrl: `${origin}/6.mp3`, serviceTrackId: 6, downloadParams: '', hrDownload: 0 },
      ])
    ).status,
    404,
  );
  assert.equal((await mallory.call('DELETE', `/v1/downloads/${cookie}`)).status, 404);
  const own = await alice.session(cookie);
  assert.equal(own.status, 200);
  assert.deepEqual(
    own.body.tracks.map((t) => t.serviceTrackId),
    [5],
    'nothing was added',
  );
  assert.equal(own.body.counts.cancelled, 0, 'nothing was cancelled');
});

test("another store sees none of a store's licenses or library entries", async () => {
  assert.equal((await mallory.call('DELETE', '/v1/users/u1/licenses/5')).status, 404, "cannot delete alice's license");
  const lib = await mallory.library('u1');
  assert.deepEqual(lib.body.items, []);
  const ids = await mallory.call<{ contentIds: number[] }>('GET', '/v1/users/u1/library/content-ids');
  assert.deepEqual(ids.body.contentIds, []);
  assert.deepEqual(
    (await alice.call<{ contentIds: number[] }>('GET', '/v1/users/u1/library/content-ids')).body.contentIds,
    [5],
  );
  // A license written by mallory for the same user and track is mallory's alone.
  assert.equal((await mallory.putLicense('u1', 5)).status, 201);
  const facts = await stack.deps.api.trackFacts([{ userId: 'u1', storeId: 'alice-music', serviceTrackId: 5 }]);
  assert.equal(facts.licenses.size, 1);
});

test('a store over its rate gets 429 with Retry-After; another store is not slowed', async () => {
  let throttled: Awaited<ReturnType<StoreClient['session']>> | undefined;
  for (let i = 0; i < 60 && !throttled; i++) {
    const res = await alice.session(cookie);
    if (res.status === 429) throttled = res;
  }
  assert.ok(throttled, 'throttled within the burst');
  assert.equal((throttled.body as unknown as { error: { code: string } }).error.code, 'throttled');
  assert.ok(Number(throttled.headers.get('retry-after')) >= 1);
  assert.equal((await mallory.library('u2')).status, 200);
});

test('the stores table holds no signing secret in the clear, and rotation keeps the previous one valid', async () => {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const reg = await registerStore(stack.stores, {
    storeId: 'sealed-store',
    callbackUrl: 'https://s.example/cb',
    allowOrigins: [origin],
  });
  const scan = await stack.clients.ddb.send(new ScanCommand({ TableName: stack.provisioned.names.tables.stores }));
  assert.ok(!JSON.stringify(scan.Items).includes(reg.signingSecret));
  assert.deepEqual(await stack.stores.signingSecrets('sealed-store'), [reg.signingSecret]);
  await stack.stores.rotateSecret('sealed-store', 'whsec_next');
  assert.deepEqual(await stack.stores.signingSecrets('sealed-store'), ['whsec_next', reg.signingSecret]);
  await stack.stores.rotateSecret('sealed-store', 'whsec_third');
  assert.deepEqual(
    await stack.stores.signingSecrets('sealed-store'),
    ['whsec_third', 'whsec_next'],
    'two active secrets at most',
  );
});
