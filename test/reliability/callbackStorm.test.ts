import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventIdFor } from '../../functions/core/signature.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { queueDepth } from '../support/receiveEvent.js';
import { waitFor } from '../support/redelivery.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// A store that repeats one DownloadTrack many times at once (a retry storm) gets one outcome and
// its DownloadTrackComplete about once, not once per repeat.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;

before(async () => {
  ({ stack, store, client } = await startStoreOnStack('stormy'));
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

test('50 concurrent identical DownloadTracks: one file, one outcome, the callback delivered about once', async () => {
  const url = store.addFile(
    'storm.mp3',
    makeMp3({ title: 'Storm', artist: 'Repeat', album: 'Fifty', trackNumber: 1 }, 2),
  );
  await client.putLicense('storm-user', 1);
  const cookie = (await client.openSession('storm-user')).body.cookie;
  const answers = await Promise.all(
    Array.from({ length: 50 }, () =>
      client.downloadTrack(cookie, { trackUrl: url, serviceTrackId: 1, downloadParams: 'same', hrDownload: 0 }),
    ),
  );
  assert.ok(
    answers.every((a) => a.status === 202),
    JSON.stringify(answers.map((a) => a.status)),
  );
  const status = await client.waitForSession(cookie, 60_000);
  assert.equal(status.tracks[0]!.state, 'completed');
  const eventId = eventIdFor('DownloadTrackComplete', cookie, 1);
  // Let every duplicate message drain, then count what reached the store.
  const empty = async (url: string) => {
    const d = await queueDepth(stack.clients.sqs, url);
    return d.visible + d.inFlight === 0;
  };
  const urls = stack.provisioned.names.queueUrls;
  await waitFor(
    'the queues to drain',
    async () => (await empty(urls.downloads)) && (await empty(urls.completions)),
    30_000,
  );
  const deliveries = store.attempts.filter((a) => a.eventId === eventId).length;
  assert.ok(deliveries >= 1 && deliveries <= 2, `${deliveries} deliveries of one event to a store answering 200`);
  assert.equal((await client.library('storm-user')).body.items.length, 1);
});
