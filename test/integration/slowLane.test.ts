import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { defaultSettings } from '../../functions/settings.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { ack, receiveEvent } from '../support/receiveEvent.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// On Lambda a batch is only as quick as its slowest callback: a store whose receiver is slow
// gets its callbacks sent on to the slow lane, which runs on two invocations of its own, while
// every other store's are still made from the main lane.

const slowMs = 300;
let stack: LocalStack;
let quick: FakeStore;
let quickClient: StoreClient;
let slow: FakeStore;
let slowClient: StoreClient;

before(async () => {
  // Two in a row: the first purchase's Download event and its DownloadTrackComplete.
  const settings = { ...defaultSettings, callbacks: { ...defaultSettings.callbacks, slowMs, slowStreak: 2 } };
  ({
    stack,
    store: quick,
    client: quickClient,
  } = await startStoreOnStack('quick-store', { stack: { pollers: false, settings } }));
  slow = await startFakeStore();
  const reg = await registerStore(stack.stores, {
    storeId: 'slow-store',
    callbackUrl: slow.callbackUrl,
    allowOrigins: [slow.originUrl],
  });
  slow.secret = reg.signingSecret;
  slow.callbackDelayMs = 3 * slowMs;
  slowClient = new StoreClient(stack.api.url, reg.apiKey);
});

after(async () => {
  await stack?.stop();
  await quick?.close();
  await slow?.close();
});

const url = (q: 'downloads' | 'completions' | 'slowCallbacks') => stack.provisioned.names.queueUrls[q];

/** One track of each client through the API and the worker; its completion waits on the completions queue. */
async function buy(clients: [StoreClient, FakeStore][], id: number): Promise<string[]> {
  const cookies: string[] = [];
  for (const [client, store] of clients) {
    await client.putLicense('lane-user', id);
    const cookie = (await client.openSession('lane-user')).body.cookie;
    const trackUrl = store.addFile(`${id}.mp3`, makeMp3({ title: `Lane ${id}`, artist: 'Lanes' }));
    await client.downloadTrack(cookie, { trackUrl, serviceTrackId: id, downloadParams: '', hrDownload: 0 });
    cookies.push(cookie);
  }
  for (;;) {
    const work = await receiveEvent(stack.clients.sqs, url('downloads'), { waitSeconds: 0 });
    if (work.Records.length === 0) break;
    await stack.handlers.worker(work);
    await ack(stack.clients.sqs, url('downloads'), work);
  }
  return cookies;
}

/** One completion invocation over what the queue holds; answers how long it took. */
async function completeFrom(queue: 'completions' | 'slowCallbacks'): Promise<{ records: number; ms: number }> {
  const event = await receiveEvent(stack.clients.sqs, url(queue), { waitSeconds: 1, max: 10 });
  const t0 = Date.now();
  const res = await stack.handlers.completion(event);
  const ms = Date.now() - t0;
  await ack(
    stack.clients.sqs,
    url(queue),
    event,
    (res.batchItemFailures ?? []).map((f) => f.itemIdentifier),
  );
  return { records: event.Records.length, ms };
}

const told = (store: FakeStore, cookie: string) =>
  store.events.filter((e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie).length;

test('a slow receiver is called from the main lane until it is slow twice in a row; then its callbacks go to the slow lane', async () => {
  // First purchase: nothing known yet, both stores are called from the main lane, and the batch waits for the slow one.
  const [q1, s1] = await buy(
    [
      [quickClient, quick],
      [slowClient, slow],
    ],
    1,
  );
  let first = { records: 0, ms: 0 };
  while (told(quick, q1 ?? '') === 0 || told(slow, s1 ?? '') === 0) {
    const r = await completeFrom('completions');
    if (r.records > 0) first = r;
  }
  assert.ok(first.ms >= 3 * slowMs, `the first batch waited for the slow receiver (${first.ms} ms)`);

  // Second purchase: the quick store is told from the main lane, without waiting for the slow one.
  const [q2, s2] = await buy(
    [
      [quickClient, quick],
      [slowClient, slow],
    ],
    2,
  );
  const slowAttempts = slow.attempts.length;
  let main = { records: 0, ms: 0 };
  while (told(quick, q2 ?? '') === 0) main = await completeFrom('completions');
  assert.ok(main.ms < 3 * slowMs, `the main lane no longer waits for the slow receiver (${main.ms} ms)`);
  await completeFrom('completions');
  assert.equal(slow.attempts.length, slowAttempts, 'the slow store is not called from the main lane');
  assert.equal(told(slow, s2 ?? ''), 0);

  // The slow lane tells it, with the one event id it would have had.
  while (told(slow, s2 ?? '') === 0) await completeFrom('slowCallbacks');
  const track = await stack.deps.worker.tracks.get(s2 ?? '', 2);
  assert.equal(track?.state, 'completed');
  assert.equal((await slowClient.library('lane-user')).body.items.length, 2);
});
