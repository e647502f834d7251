import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SQSEvent } from 'aws-lambda';
import { objectsUnder } from '../../functions/adapters/bucketObjects.js';
import { defaultSettings } from '../../functions/settings.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { AwsFaults, isTransitionTo, laterRangedRead } from '../chaos/faults.js';
import { deferred, holdRequests } from '../support/holdRequests.js';
import { ack, receiveEvent } from '../support/receiveEvent.js';
import { releaseForRedelivery, runCompletions, waitFor } from '../support/redelivery.js';
import { makeSourceBucket } from '../support/sourceBucket.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// Exactly one outcome per track when messages are delivered twice, and when a function dies
// between its side effect (copy, callback) and its state write. Handlers are driven by hand.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let faults: AwsFaults;
let n = 0;
const SOURCES = 'once-sources';

before(async () => {
  const settings = { ...defaultSettings, limits: { ...defaultSettings.limits, originTimeoutSeconds: 2 } };
  ({ stack, store, client } = await startStoreOnStack('once-store', {
    stack: { pollers: false, settings },
    sourceBuckets: [SOURCES],
  }));
  faults = new AwsFaults().attach(stack.functionClients);
});

after(async () => {
  faults?.clear();
  await stack?.stop();
  await store?.close();
});

const downloadsUrl = () => stack.provisioned.names.queueUrls.downloads;
const bucket = () => stack.provisioned.names.bucket;

/** A licensed track sent through the API; returns its message as the worker would receive it. */
async function sendTrack(source: 'http' | 's3') {
  n += 1;
  const user = `once-${n}`;
  const id = 700 + n;
  const tags = { title: `Once ${n}`, artist: 'Exactly', album: 'One', trackNumber: n };
  const body = makeMp3(tags, 5); // over 64 KiB: the tag reader reads the tail too
  let url: string;
  if (source === 's3') {
    await makeSourceBucket(stack.clients.s3, SOURCES, { [`t/${n}.mp3`]: body });
    url = `s3://${SOURCES}/t/${n}.mp3`;
  } else url = store.addFile(`once${n}.mp3`, body);
  assert.equal((await client.putLicense(user, id)).status, 201);
  const cookie = (await client.openSession(user)).body.cookie;
  const res = await client.downloadTrack(cookie, {
    trackUrl: url,
    serviceTrackId: id,
    downloadParams: `p${n}`,
    hrDownload: 0,
  });
  assert.equal(res.status, 202);
  const event = await receiveEvent(stack.clients.sqs, downloadsUrl());
  assert.equal(event.Records.length, 1);
  return { user, id, cookie, tags, event };
}

const failedIds = (res: { batchItemFailures?: { itemIdentifier: string }[] }) =>
  (res.batchItemFailures ?? []).map((f) => f.itemIdentifier);
const callbacksFor = (cookie: string, id: number) =>
  store.events.filter(
    (e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie && e.body.serviceTrackId === id,
  );

for (const source of ['http', 's3'] as const) {
  test(`${source}: one message delivered to two invocations at once makes one file, one state, one library row`, async () => {
    const t = await sendTrack(source);
    // SQS at-least-once: the same message (same id, another receipt) handed to a second invocation.
    const twin: SQSEvent = {
      Records: t.event.Records.map((r) => ({ ...r, receiptHandle: `${r.receiptHandle}-twin` })),
    };
    const [a, b] = await Promise.all([stack.handlers.worker(t.event), stack.handlers.worker(twin)]);
    assert.deepEqual([failedIds(a), failedIds(b)], [[], []]);
    await ack(stack.clients.sqs, downloadsUrl(), t.event);

    const objects = await objectsUnder(stack.clients.s3, bucket(), `users/${t.user}/`);
    assert.equal(objects.size, 1, [...objects.keys()].join('\n'));
    const track = await stack.deps.worker.tracks.get(t.cookie, t.id);
    assert.equal(track?.state, 'stored');
    assert.ok(objects.has(track!.item!.key));

    await runCompletions(stack);
    assert.equal((await stack.deps.worker.tracks.get(t.cookie, t.id))?.state, 'completed');
    const lib = await client.library(t.user);
    assert.equal(lib.body.items.length, 1);
    assert.equal(lib.body.items[0]!.key, track!.item!.key);
    const told = callbacksFor(t.cookie, t.id);
    assert.equal(new Set(told.map((e) => e.eventId)).size, 1, 'one distinct event id');
    assert.ok(told.every((e) => e.verified && e.body.hrResult === '0x00000000'));
  });
}

test('a worker killed after the copy and before its state write: the redelivery stores the track once, in one file', async (ctx) => {
  ctx.after(() => faults.clear());
  const t = await sendTrack('http');
  const kill = faults.add({
    service: 'dynamodb',
    kind: 'kill',
    commands: ['UpdateItemCommand'],
    match: isTransitionTo('stored'),
    times: 1,
  });
  const first = await stack.handlers.worker(t.event);
  assert.equal(kill.fired, 1, 'the state write was attempted and failed');
  assert.deepEqual(failedIds(first), [t.event.Records[0]!.messageId], 'the record is left to SQS');
  assert.equal((await stack.deps.worker.tracks.get(t.cookie, t.id))?.state, 'queued');
  const copied = await objectsUnder(stack.clients.s3, bucket(), `users/${t.user}/`);
  assert.equal(copied.size, 1, 'the copy was made before the crash');

  await releaseForRedelivery(stack.clients.sqs, downloadsUrl(), t.event);
  const again = await receiveEvent(stack.clients.sqs, downloadsUrl());
  assert.equal(again.Records[0]?.messageId, t.event.Records[0]!.messageId);
  assert.equal(again.Records[0]?.attributes.ApproximateReceiveCount, '2');
  assert.deepEqual(failedIds(await stack.handlers.worker(again)), []);
  await ack(stack.clients.sqs, downloadsUrl(), again);

  const objects = await objectsUnder(stack.clients.s3, bucket(), `users/${t.user}/`);
  assert.deepEqual([...objects.keys()], [...copied.keys()], 'the same single file');
  const track = await stack.deps.worker.tracks.get(t.cookie, t.id);
  assert.equal(track?.state, 'stored');
  assert.equal(track?.item?.key, [...copied.keys()][0]);
  await runCompletions(stack);
  assert.equal((await stack.deps.worker.tracks.get(t.cookie, t.id))?.state, 'completed');
  assert.equal((await client.library(t.user)).body.items.length, 1);
  assert.equal(new Set(callbacksFor(t.cookie, t.id).map((e) => e.eventId)).size, 1);
});

test('a completion killed after the callback and before its state write: the redelivery calls back with the same event id, the track completes once', async (ctx) => {
  ctx.after(() => faults.clear());
  const t = await sendTrack('s3');
  assert.deepEqual(failedIds(await stack.handlers.worker(t.event)), []);
  await ack(stack.clients.sqs, downloadsUrl(), t.event);
  const kill = faults.add({
    service: 'dynamodb',
    kind: 'kill',
    commands: ['UpdateItemCommand'],
    match: isTransitionTo('completed'),
    times: 1,
  });

  const completionsUrl = stack.provisioned.names.queueUrls.completions;
  const event = await receiveEvent(stack.clients.sqs, completionsUrl);
  const first = await stack.handlers.completion(event);
  assert.equal(kill.fired, 1);
  const trackMessage = event.Records.find((r) => JSON.parse(r.body).kind === 'track')!;
  assert.deepEqual(failedIds(first), [trackMessage.messageId]);
  await ack(stack.clients.sqs, completionsUrl, event, failedIds(first));
  const told = callbacksFor(t.cookie, t.id);
  assert.equal(told.length, 1, 'the store was told before the crash');
  assert.equal((await stack.deps.worker.tracks.get(t.cookie, t.id))?.state, 'stored');

  await releaseForRedelivery(stack.clients.sqs, completionsUrl, event, [trackMessage.messageId]);
  assert.deepEqual(await runCompletions(stack), []);
  const all = callbacksFor(t.cookie, t.id);
  assert.equal(all.length, 2, 'told again: at-least-once');
  assert.equal(all[1]!.eventId, all[0]!.eventId, 'with the same event id');
  assert.equal(all[1]!.body.hrResult, all[0]!.body.hrResult);
  assert.ok(all.every((e) => e.verified));
  const track = await stack.deps.worker.tracks.get(t.cookie, t.id);
  assert.equal(track?.state, 'completed');
  const lib = await client.library(t.user);
  assert.equal(lib.body.items.length, 1);

  // One more duplicate delivery changes nothing and tells nobody.
  await stack.deps.worker.completionsQueue.send([
    { kind: 'track', cookie: t.cookie, storeId: undefined, serviceTrackId: t.id },
  ]);
  assert.deepEqual(await runCompletions(stack), []);
  assert.equal(callbacksFor(t.cookie, t.id).length, 2);
});

test('a worker killed after the copy, whose redelivery then fails for good, leaves no file behind', async (ctx) => {
  ctx.after(() => faults.clear());
  const t = await sendTrack('http');
  faults.add({
    service: 'dynamodb',
    kind: 'kill',
    commands: ['UpdateItemCommand'],
    match: isTransitionTo('stored'),
    times: 1,
  });
  assert.equal(failedIds(await stack.handlers.worker(t.event)).length, 1);
  assert.equal((await objectsUnder(stack.clients.s3, bucket(), `users/${t.user}/`)).size, 1, 'copied before the crash');

  // The redelivery is the last receive, and now the origin answers 500.
  store.originFaults.set(`once${n}.mp3`, 'status500');
  ctx.after(() => void store.originFaults.delete(`once${n}.mp3`));
  await releaseForRedelivery(stack.clients.sqs, downloadsUrl(), t.event);
  const again = await receiveEvent(stack.clients.sqs, downloadsUrl());
  again.Records[0]!.attributes.ApproximateReceiveCount = String(stack.settings.downloads.maxReceiveCount);
  assert.deepEqual(failedIds(await stack.handlers.worker(again)), []);
  await ack(stack.clients.sqs, downloadsUrl(), again);
  const track = await stack.deps.worker.tracks.get(t.cookie, t.id);
  assert.equal(track?.state, 'failed');
  assert.equal(track?.hrResult, 0x801901f4);
  await runCompletions(stack);
  assert.equal(callbacksFor(t.cookie, t.id)[0]?.body.hrResult, '0x801901F4', 'the store is told it failed');
  const objects = await objectsUnder(stack.clients.s3, bucket(), `users/${t.user}/`);
  assert.equal(objects.size, 0, `a failed track leaves no file, found:\n${[...objects.keys()].join('\n')}`);
});

test('a tag read throttled past its retries, then a crash before the state write: still one file after the redelivery', async (ctx) => {
  ctx.after(() => faults.clear());
  const t = await sendTrack('s3');
  // S3 tries a request 3 times: all three attempts of a ranged GET after the first are throttled.
  faults.add({ service: 's3', kind: 'SlowDown', commands: ['GetObjectCommand'], match: laterRangedRead, times: 3 });
  faults.add({
    service: 'dynamodb',
    kind: 'kill',
    commands: ['UpdateItemCommand'],
    match: isTransitionTo('stored'),
    times: 1,
  });
  const first = await stack.handlers.worker(t.event);
  assert.equal(failedIds(first).length, 1, 'a throttled tag read is retried, not taken for an unreadable file');
  assert.equal(
    (await objectsUnder(stack.clients.s3, bucket(), `users/${t.user}/`)).size,
    0,
    'nothing copied under fallback names',
  );
  // The redelivery copies, then dies before its state write; the next one finishes.
  await releaseForRedelivery(stack.clients.sqs, downloadsUrl(), t.event);
  const second = await receiveEvent(stack.clients.sqs, downloadsUrl());
  assert.equal(failedIds(await stack.handlers.worker(second)).length, 1);
  await releaseForRedelivery(stack.clients.sqs, downloadsUrl(), second);
  const again = await receiveEvent(stack.clients.sqs, downloadsUrl());
  assert.deepEqual(failedIds(await stack.handlers.worker(again)), []);
  await ack(stack.clients.sqs, downloadsUrl(), again);
  const track = await stack.deps.worker.tracks.get(t.cookie, t.id);
  assert.equal(track?.state, 'stored');
  assert.ok(track?.item?.title && !track.item.key.includes('Unknown Artist'), track?.item?.key);
  const objects = await objectsUnder(stack.clients.s3, bucket(), `users/${t.user}/`);
  assert.equal(objects.size, 1, `one file for one track, found:\n${[...objects.keys()].join('\n')}`);
});

test('two deliveries of a track with a wrong checksum never delete the file of another track that took its name meanwhile', async (ctx) => {
  n += 1;
  const user = `race-${n}`;
  const tags = { title: 'Twin', artist: 'Race', album: 'Condition', trackNumber: 1 };
  const wrongBody = makeMp3(tags, 0.3);
  const goodBody = makeMp3(tags, 0.4);
  await makeSourceBucket(stack.clients.s3, SOURCES, { [`race/${n}-x.mp3`]: wrongBody, [`race/${n}-c.mp3`]: goodBody });
  await client.putLicense(user, 901);
  await client.putLicense(user, 902);
  const cookie = (await client.openSession(user)).body.cookie;
  const sent = await client.downloadTrack(cookie, {
    trackUrl: `s3://${SOURCES}/race/${n}-x.mp3`,
    serviceTrackId: 901,
    downloadParams: 'x',
    hrDownload: 0,
    sha256: 'ab'.repeat(32),
  });
  assert.equal(sent.status, 202);
  const x = await receiveEvent(stack.clients.sqs, downloadsUrl());
  const key = `users/${user}/Music/Race/Condition/01 Twin.mp3`;

  // Both deliveries copy (and hash their copy) before either deletes; the second delete
  // waits until we let it go.
  const bothCopied = deferred();
  const secondDelete = deferred();
  let copies = 0;
  let reads = 0;
  let deletes = 0;
  const release = holdRequests(
    stack.functionClients.s3[0]!, // the worker's
    (command, input) => {
      if (input.Key === key && command === 'DeleteObjectCommand')
        return ++deletes === 1 ? bothCopied.promise : secondDelete.promise;
      return undefined;
    },
    (command, input) => {
      if (input.Key !== key) return;
      if (command === 'CopyObjectCommand') copies += 1;
      if (command === 'GetObjectCommand' && input.Range === undefined) reads += 1;
      if (copies >= 2 && reads >= 2) bothCopied.resolve();
    },
  );
  ctx.after(() => {
    secondDelete.resolve();
    bothCopied.resolve();
    release();
  });
  const twin: SQSEvent = { Records: x.Records.map((r) => ({ ...r, receiptHandle: `${r.receiptHandle}-twin` })) };
  const deliveries = Promise.all([stack.handlers.worker(x), stack.handlers.worker(twin)]);
  await waitFor(
    'the first delivery to fail the track',
    async () => (await stack.deps.worker.tracks.get(cookie, 901))?.state === 'failed',
  );

  // Another purchase with the same tags: the failed track keeps its name claimed, so this one
  // gets the next name and the failed track's late delete cannot reach its file.
  assert.equal(
    (
      await client.downloadTrack(cookie, {
        trackUrl: `s3://${SOURCES}/race/${n}-c.mp3`,
        serviceTrackId: 902,
        downloadParams: 'c',
        hrDownload: 0,
      })
    ).status,
    202,
  );
  const c = await receiveEvent(stack.clients.sqs, downloadsUrl());
  assert.deepEqual(failedIds(await stack.handlers.worker(c)), []);
  const stored = await stack.deps.worker.tracks.get(cookie, 902);
  assert.equal(stored?.state, 'stored');
  assert.equal(stored?.item?.key, `users/${user}/Music/Race/Condition/01 Twin (2).mp3`);

  secondDelete.resolve();
  await deliveries;
  await ack(stack.clients.sqs, downloadsUrl(), x);
  await ack(stack.clients.sqs, downloadsUrl(), c);
  const objects = await objectsUnder(stack.clients.s3, bucket(), `users/${user}/`);
  assert.equal(
    objects.get(stored!.item!.key),
    stored?.item?.sha256,
    `the stored track's file is still there: found ${[...objects.keys()].join(', ') || 'nothing'}`,
  );
  assert.ok(!objects.has(key), 'the failed track left no file');
});
