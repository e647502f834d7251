import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { defaultSettings } from '../../functions/settings.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { ack, receiveEvent } from '../support/receiveEvent.js';

let stack: LocalStack;
let store: FakeStore;
let other: FakeStore;
let client: StoreClient;
let n = 0;

before(async () => {
  const settings = {
    ...defaultSettings,
    limits: { ...defaultSettings.limits, maxTrackBytes: 64 * 1024, maxRedirects: 2 },
  };
  stack = await startLocalStack({ pollers: false, settings });
  store = await startFakeStore();
  other = await startFakeStore(); // a server on loopback the store did not allowlist
  const reg = await registerStore(stack.stores, {
    storeId: 'policy',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  client = new StoreClient(stack.api.url, reg.apiKey);
});

after(async () => {
  await stack?.stop();
  await store?.close();
  await other?.close();
});

async function outcome(url: string) {
  n += 1;
  await client.putLicense('policy-user', n);
  const cookie = (await client.openSession('policy-user')).body.cookie;
  assert.equal(
    (await client.downloadTrack(cookie, { trackUrl: url, serviceTrackId: n, downloadParams: '', hrDownload: 0 }))
      .status,
    202,
  );
  const event = await receiveEvent(stack.clients.sqs, stack.provisioned.names.queueUrls.downloads);
  const res = await stack.handlers.worker(event);
  await ack(
    stack.clients.sqs,
    stack.provisioned.names.queueUrls.downloads,
    event,
    (res.batchItemFailures ?? []).map((f) => f.itemIdentifier),
  );
  return (await stack.deps.worker.tracks.get(cookie, n))!;
}

test('a redirect within the allowlist is followed', async () => {
  store.addFile('real.mp3', makeMp3({ title: 'Real' }));
  store.redirects.set('moved.mp3', `${store.originUrl}/tracks/real.mp3`);
  const t = await outcome(`${store.originUrl}/tracks/moved.mp3`);
  assert.equal(t.state, 'stored');
  assert.equal(t.item?.title, 'Real');
});

test('a redirect off the allowlist is refused and the other server is never asked', async () => {
  other.addFile('loot.mp3', makeMp3({ title: 'Loot' }));
  store.redirects.set('bounce.mp3', `${other.originUrl}/tracks/loot.mp3`);
  const t = await outcome(`${store.originUrl}/tracks/bounce.mp3`);
  assert.equal(t.state, 'failed');
  assert.equal(t.hrResult, 0x80070005);
  assert.equal(other.originHits.get('loot.mp3') ?? 0, 0);
});

test('a redirect to the metadata service is refused', async () => {
  store.redirects.set('meta.mp3', 'http://169.254.169.254/latest/meta-data/iam/');
  const t = await outcome(`${store.originUrl}/tracks/meta.mp3`);
  assert.equal(t.state, 'failed');
  assert.equal(t.hrResult, 0x80070005);
});

test('redirect chains are bounded', async () => {
  store.redirects.set('r1.mp3', `${store.originUrl}/tracks/r2.mp3`);
  store.redirects.set('r2.mp3', `${store.originUrl}/tracks/r3.mp3`);
  store.redirects.set('r3.mp3', `${store.originUrl}/tracks/r1.mp3`);
  const t = await outcome(`${store.originUrl}/tracks/r1.mp3`);
  assert.equal(t.state, 'failed');
  assert.equal(t.hrResult, 0x80190000 + 302);
});

test('a file over the size limit is refused before it is copied', async () => {
  store.addFile('huge.mp3', makeMp3({ title: 'Huge' }, 10)); // ~160 KB against a 64 KiB limit
  const t = await outcome(`${store.originUrl}/tracks/huge.mp3`);
  assert.equal(t.state, 'failed');
  assert.equal(t.hrResult, 0x800700df);
});
