import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { completionMessageSchema } from '../../functions/core/queueMessages.js';
import { recountStep } from '../../functions/service/recount.js';
import { defaultSettings, type TrackdropSettings } from '../../functions/settings.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// Counts that lost a batch's write (a function that died between its state writes and its count
// write) are put right by a recount; short times here, minutes on AWS (settings.ts).
const settings: TrackdropSettings = {
  ...defaultSettings,
  limits: { ...defaultSettings.limits, recountStaleSeconds: 1, recountSettleSeconds: 2 },
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sessionOf(client: StoreClient, store: FakeStore, user: string, ids: number[]): Promise<string> {
  await client.putLicenses(
    user,
    ids.map((serviceTrackId) => ({ serviceTrackId })),
  );
  const cookie = (await client.openSession(user)).body.cookie;
  const tracks = ids.map((id) => ({
    trackUrl: store.addFile(
      `${user}-${id}.mp3`,
      makeMp3({ title: `T${id}`, artist: user, album: 'A', trackNumber: id }, 0.05),
    ),
    serviceTrackId: id,
    downloadParams: `p${id}`,
    hrDownload: 0,
  }));
  const res = await client.downloadTracks(cookie, tracks);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return cookie;
}

/** The next recount message on the completions queue, if one comes within `tries` long polls of 3 s. */
async function nextRecount(stack: LocalStack, QueueUrl: string, tries: number) {
  for (let i = 0; i < tries; i++) {
    const received = await stack.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 3, MaxNumberOfMessages: 10 }),
    );
    const found = (received.Messages ?? [])
      .map((m) => completionMessageSchema.parse(JSON.parse(m.Body ?? '{}')))
      .find((m) => m.kind === 'recount');
    if (found) return found;
  }
  return undefined;
}

describe('with the pipeline running', () => {
  let stack: LocalStack;
  let store: FakeStore;
  let client: StoreClient;
  before(async () => {
    ({ stack, store, client } = await startStoreOnStack('recount-store', { stack: { settings } }));
  });
  after(async () => {
    await stack?.stop();
    await store?.close();
  });

  test('counts short by a lost write are recounted once a status read finds them stale', async () => {
    const cookie = await sessionOf(client, store, 'recount-user', [1, 2, 3]);
    const done = await client.waitForSession(cookie);
    assert.ok(
      done.tracks.every((t) => t.state === 'completed'),
      JSON.stringify(done.tracks),
    );
    // As if the completion that told track 3 died before its count write: one still `stored`.
    await stack.deps.api.counts.adjust(cookie, { completed: -1, stored: 1 });
    assert.equal(
      (await client.session(cookie, '?limit=1')).body.counts.stored,
      1,
      'a paged read shows the counts item',
    );
    await sleep(1500);
    const whole = await client.session(cookie);
    assert.deepEqual(
      whole.body.counts,
      { queued: 0, stored: 0, completed: 3, failed: 0, cancelled: 0, declined: 0 },
      'a session read whole is counted from its tracks',
    );
    for (let i = 0; i < 100 && (await stack.deps.api.counts.get(cookie, true)).counts.stored !== 0; i++)
      await sleep(100);
    const paged = await client.session(cookie, '?limit=1');
    assert.deepEqual(paged.body.counts, { queued: 0, stored: 0, completed: 3, failed: 0, cancelled: 0, declined: 0 });
  });
});

describe('a recount', () => {
  let stack: LocalStack;
  let store: FakeStore;
  let client: StoreClient;
  before(async () => {
    // No event sources: the test plays the completion function's part itself.
    ({ stack, store, client } = await startStoreOnStack('recount-store-2', { stack: { settings, pollers: false } }));
  });
  after(async () => {
    await stack?.stop();
    await store?.close();
  });

  test('gives way to a count write that comes between its two walks, and writes when none does', async () => {
    const cookie = await sessionOf(client, store, 'recount-user-2', [1, 2, 3, 4]);
    const { tracks, counts } = stack.deps.completion;
    await counts.adjust(cookie, { queued: 2 }); // wrong: 6 queued for 4 tracks
    const queued = (c: { counts: { queued: number } }) => c.counts.queued;
    await recountStep(stack.deps.completion, { cookie });
    const QueueUrl = stack.provisioned.names.queueUrls.completions;
    const second = await nextRecount(stack, QueueUrl, 5);
    assert.ok(second?.kind === 'recount' && second.check, 'the first walk asks for the second, with what it saw');
    assert.equal(second.check.counts.queued, 4);
    // A batch's count write in between: the recount leaves the counts to it.
    await counts.adjust(cookie, { queued: -1, failed: 1 });
    await recountStep(stack.deps.completion, second);
    assert.equal(queued(await counts.get(cookie, true)), 5, 'unchanged by a recount that gave way');
    // Walked again with nothing in between, the counts are the tracks'.
    const { moves } = await counts.get(cookie, true);
    await recountStep(stack.deps.completion, { cookie, check: { moves, counts: await tracks.countByState(cookie) } });
    assert.deepEqual((await counts.get(cookie, true)).counts, {
      queued: 4,
      stored: 0,
      completed: 0,
      failed: 0,
      cancelled: 0,
      declined: 0,
    });
  });

  test('that finds right counts with tracks stuck pending is not asked for again until they move', async () => {
    const cookie = await sessionOf(client, store, 'recount-user-3', [1, 2]);
    const QueueUrl = stack.provisioned.names.queueUrls.completions;
    await sleep(1500);
    await client.session(cookie, '?limit=1'); // two queued tracks, counts still for a while: asked
    const first = await nextRecount(stack, QueueUrl, 3);
    assert.ok(first?.kind === 'recount' && first.cookie === cookie);
    await recountStep(stack.deps.completion, first);
    const counts = await stack.deps.completion.counts.get(cookie, true);
    assert.equal(counts.verifiedMoves, counts.moves, 'the walk found them right');
    await sleep(1500);
    await client.session(cookie, '?limit=1');
    assert.equal(await nextRecount(stack, QueueUrl, 1), undefined, 'no second walk for the same counts');
  });
});
