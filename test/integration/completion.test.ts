import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { ack, queueDepth, receiveCount, receiveEvent } from '../support/receiveEvent.js';

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;

before(async () => {
  stack = await startLocalStack({ pollers: false });
  store = await startFakeStore();
  const reg = await registerStore(stack.stores, {
    storeId: 'cb-store',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  store.secret = reg.signingSecret;
  client = new StoreClient(stack.api.url, reg.apiKey);
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

const completionsUrl = () => stack.provisioned.names.queueUrls.completions;

async function runCompletions(expected = 1) {
  const event = await receiveCount(stack.clients.sqs, completionsUrl(), expected);
  const res = await stack.handlers.completion(event);
  const failed = (res.batchItemFailures ?? []).map((f) => f.itemIdentifier);
  await ack(stack.clients.sqs, completionsUrl(), event, failed);
  return { event, failed };
}

test('a store that is down gets the callback later, with the same event id; completed only after its 2xx', async () => {
  const user = 'cb-user';
  await client.putLicense(user, 1);
  const cookie = (await client.openSession(user)).body.cookie;
  await client.downloadTrack(cookie, {
    trackUrl: store.addFile('a.mp3', makeMp3({ title: 'A', artist: 'B', album: 'C' })),
    serviceTrackId: 1,
    downloadParams: 'keep me',
    hrDownload: 0,
  });
  const work = await receiveEvent(stack.clients.sqs, stack.provisioned.names.queueUrls.downloads);
  await stack.handlers.worker(work);
  await ack(stack.clients.sqs, stack.provisioned.names.queueUrls.downloads, work);

  store.callbackStatus = 503;
  const down = await runCompletions(2); // the session's Download event and the track's completion
  assert.equal(down.event.Records.length, 2);
  assert.equal(down.failed.length, 2, 'both reported back for a retry');
  assert.equal((await stack.deps.worker.tracks.get(cookie, 1))?.state, 'stored');
  // The library row is written before the callback, once.
  assert.equal((await client.library(user)).body.items.length, 1);
  // Backoff: the failed messages are hidden for a while rather than back at once.
  assert.deepEqual(await queueDepth(stack.clients.sqs, completionsUrl()), { visible: 0, inFlight: 2 });
  const firstAttempts = store.attempts.map((a) => a.eventId);

  // The store comes back; make the retry visible now instead of after the backoff.
  store.callbackStatus = 200;
  const retry = await receiveCount(stack.clients.sqs, completionsUrl(), 2);
  assert.equal(retry.Records.length, 2, 'retried after the backoff');
  // Two failures are not yet a streak (callbacks.slowStreak): the retries are made from the main lane.
  const res = await stack.handlers.completion(retry);
  assert.deepEqual(res.batchItemFailures, []);
  await ack(stack.clients.sqs, completionsUrl(), retry);

  const track = await stack.deps.worker.tracks.get(cookie, 1);
  assert.equal(track?.state, 'completed');
  const delivered = store.events.filter((e) => e.body.cookie === cookie);
  assert.deepEqual(delivered.map((e) => e.body.event).sort(), ['Download', 'DownloadTrackComplete']);
  assert.ok(delivered.every((e) => e.verified));
  assert.deepEqual(new Set(delivered.map((e) => e.eventId)), new Set(firstAttempts), 'same event ids on the retry');
  const complete = delivered.find((e) => e.body.event === 'DownloadTrackComplete')!;
  assert.equal(complete.body.downloadParams, 'keep me');
  assert.equal(complete.body.hrResult, '0x00000000');
  assert.equal((complete.body.item as { title: string }).title, 'A');
  assert.equal((await client.library(user)).body.items.length, 1);

  // A late duplicate of the completion message changes nothing and calls nobody.
  await stack.deps.worker.completionsQueue.send([{ kind: 'track', cookie, storeId: undefined, serviceTrackId: 1 }]);
  const calls = store.attempts.length;
  const dup = await runCompletions(1);
  assert.deepEqual(dup.failed, []);
  assert.equal(store.attempts.length, calls);
});
