import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { StoresRepo } from '../../functions/adapters/storesRepo.js';
import { defaultSettings } from '../../functions/settings.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { ack, queueDepth, receiveEvent } from '../support/receiveEvent.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// A suspended store's queued downloads are held, not lost: the worker sends each again to wait,
// with its receive count afresh, fetches nothing, and leaves the track queued.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;

before(async () => {
  const settings = { ...defaultSettings, limits: { ...defaultSettings.limits, suspendedHoldSeconds: 2 } };
  ({ stack, store, client } = await startStoreOnStack('held-store', { stack: { pollers: false, settings } }));
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

test("a suspended store's queued download is held: sent again to wait, nothing fetched, the track still queued", async () => {
  const url = stack.provisioned.names.queueUrls.downloads;
  await client.putLicense('held-user', 1);
  const cookie = (await client.openSession('held-user')).body.cookie;
  const trackUrl = store.addFile('held.mp3', makeMp3({ title: 'Held', artist: 'Waiting' }));
  assert.equal(
    (await client.downloadTrack(cookie, { trackUrl, serviceTrackId: 1, downloadParams: 'p', hrDownload: 0 })).status,
    202,
  );
  // Suspended after the track was queued (the operator's repo; the worker has not read the store yet).
  await new StoresRepo(stack.clients.ddb, stack.provisioned.names.tables.stores).setSuspended(
    'held-store',
    new Date().toISOString(),
  );
  const first = await receiveEvent(stack.clients.sqs, url);
  assert.equal(first.Records.length, 1);
  const res = await stack.handlers.worker(first);
  assert.deepEqual(res?.batchItemFailures ?? [], []);
  await ack(stack.clients.sqs, url, first);
  assert.equal(store.originHits.get('held.mp3') ?? 0, 0, 'nothing fetched');
  assert.equal((await stack.deps.worker.tracks.get(cookie, 1))?.state, 'queued');
  // Back after the hold, as its first receive: held as long as the store is suspended, never to the DLQ.
  const again = await receiveEvent(stack.clients.sqs, url, { waitSeconds: 5 });
  assert.equal(again.Records.length, 1);
  assert.equal(again.Records[0]?.body, first.Records[0]?.body);
  assert.equal(again.Records[0]?.attributes.ApproximateReceiveCount, '1');
  await ack(stack.clients.sqs, url, again);
  assert.deepEqual(await queueDepth(stack.clients.sqs, url), { visible: 0, inFlight: 0 });
});
