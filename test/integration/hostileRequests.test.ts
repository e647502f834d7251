import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { runCompletions } from '../support/redelivery.js';

// What a hostile or careless store may send to the API: each answer is a clear 4xx, or the
// call is stored whole; never a 500 that a retry cannot mend, never another user's files.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
const origin = 'https://cdn.store.example';

before(async () => {
  stack = await startLocalStack({ pollers: false });
  store = await startFakeStore();
  const reg = await registerStore(stack.stores, {
    storeId: 'careless',
    callbackUrl: store.callbackUrl,
    allowOrigins: [origin, 's3://careless-media'],
  });
  store.secret = reg.signingSecret;
  client = new StoreClient(stack.api.url, reg.apiKey);
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

const mediaBucket = () => stack.provisioned.names.bucket;

test('hrDownload as hex without 0x (or as decimal text) is 400, never read as another code', async () => {
  const cookie = (await client.openSession('hr-user')).body.cookie;
  for (const [i, hrDownload] of ['80004005', '-2147467259', '0', ' 0x0'].entries()) {
    const res = await client.downloadTrack(cookie, {
      trackUrl: `${origin}/t/${i}.mp3`,
      serviceTrackId: i + 1,
      downloadParams: '',
      hrDownload,
    });
    assert.equal(res.status, 400, `${JSON.stringify(hrDownload)}: ${JSON.stringify(res.body)}`);
    assert.match(JSON.stringify(res.body), /hrDownload/);
  }
  const ok = await client.downloadTrack(cookie, {
    trackUrl: `${origin}/t/x.mp3`,
    serviceTrackId: 99,
    downloadParams: '',
    hrDownload: '0x80004005',
  });
  assert.equal(ok.status, 200);
  assert.equal((ok.body as { state: string }).state, 'declined');
});

test('an s3:// URL with a port, a query or a fragment is 400 invalid_track_url', async () => {
  const cookie = (await client.openSession('s3-user')).body.cookie;
  for (const [i, trackUrl] of [
    's3://careless-media:9000/k.mp3',
    's3://careless-media/k.mp3?versionId=1',
    's3://careless-media/k.mp3#x',
    's3://careless-media:9000/key?versionId=1#x',
  ].entries()) {
    const res = await client.downloadTrack(cookie, {
      trackUrl,
      serviceTrackId: i + 1,
      downloadParams: '',
      hrDownload: 0,
    });
    assert.equal(res.status, 400, trackUrl);
    assert.equal((res.body as { error: { code: string } }).error.code, 'invalid_track_url');
  }
});

test("registration refuses trackdrop's own bucket as an origin", async () => {
  await assert.rejects(
    registerStore(
      stack.stores,
      { storeId: 'greedy', callbackUrl: store.callbackUrl, allowOrigins: [`s3://${mediaBucket()}`] },
      { ownBuckets: [mediaBucket()] },
    ),
    /own bucket/,
  );
  assert.equal(await stack.stores.get('greedy'), undefined);
});

test("DownloadTrack refuses trackdrop's own bucket even when an old store record allowlists it", async () => {
  // A record written before registration refused it.
  const reg = await registerStore(stack.stores, {
    storeId: 'legacy',
    callbackUrl: store.callbackUrl,
    allowOrigins: [`s3://${mediaBucket()}`],
  });
  const legacy = new StoreClient(stack.api.url, reg.apiKey);
  await legacy.putLicense('thief', 1);
  const cookie = (await legacy.openSession('thief')).body.cookie;
  const res = await legacy.downloadTrack(cookie, {
    trackUrl: `s3://${mediaBucket()}/users/victim/Music/A/B/01 C.mp3`,
    serviceTrackId: 1,
    downloadParams: '',
    hrDownload: 0,
  });
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.equal((res.body as { error: { code: string } }).error.code, 'origin_not_allowed');
});

test('a session at the documented maxima (100 containers × 1,000 content ids) is stored, and its Download event carries them all', async () => {
  const containers = Array.from({ length: 100 }, (_, c) => ({
    id: `album-${'x'.repeat(240)}-${c}`,
    type: 't'.repeat(64),
    price: 'p'.repeat(64),
    contentIds: Array.from({ length: 1000 }, (_, i) => 4_000_000_000 + c * 1000 + i),
  }));
  const res = await client.openSession('max-user', containers);
  assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 300));
  const status = await client.session(res.body.cookie);
  assert.equal(status.status, 200);
  await runCompletions(stack);
  const event = store.events.find((e) => e.body.event === 'Download' && e.body.cookie === res.body.cookie);
  assert.ok(event, 'the Download event was sent');
  assert.deepEqual(event.body.containers, containers);
});

test('over a documented limit is a 4xx that names it', async () => {
  const tooMany = Array.from({ length: 101 }, (_, c) => ({ id: c, contentIds: [1] }));
  const a = await client.openSession('limit-user', tooMany);
  assert.equal(a.status, 400);
  assert.match(JSON.stringify(a.body), /at most 100 containers/);
  const b = await client.openSession('limit-user', [{ id: 1, contentIds: Array.from({ length: 1001 }, (_, i) => i) }]);
  assert.equal(b.status, 400);
  assert.match(JSON.stringify(b.body), /at most 1000 content ids/);
});
