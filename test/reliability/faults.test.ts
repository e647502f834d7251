import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { objectsUnder } from '../../functions/adapters/bucketObjects.js';
import { type AwsClients, createClients } from '../../functions/adapters/clients.js';
import { eventIdFor } from '../../functions/core/signature.js';
import { redriveDlq } from '../../functions/service/admin/redriveDlq.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { localCredentials, localRegion } from '../../infra/local/emulators.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { chaosSettings } from '../chaos/chaosRun.js';
import { AwsFaults, isTransitionTo, laterRangedRead } from '../chaos/faults.js';
import { queueDepth } from '../support/receiveEvent.js';
import { waitFor } from '../support/redelivery.js';
import { makeSourceBucket } from '../support/sourceBucket.js';

// Faults with the pollers on, as in the sandbox: a short lease and no batching window so that
// retries, dead-lettering and callback backoff all happen within seconds.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let faults: AwsFaults;
/** Clients of the test itself, outside the fault injection. */
let own: AwsClients;
let n = 0;
const SOURCES = 'faults-sources';
// maxReceiveCount 5: a record may fail up to 4 times (twice in each throttling phase below) and still complete.
const settings = {
  ...chaosSettings(),
  downloads: { ...chaosSettings().downloads, maxReceiveCount: 5, batchingWindowSeconds: 0 },
  completions: { ...chaosSettings().completions, batchingWindowSeconds: 0 },
};

before(async () => {
  // Silent: the poison message is logged as an error on every receive, as it should be.
  stack = await startLocalStack({ settings, leaseSeconds: 1, logLevel: 'SILENT' });
  store = await startFakeStore();
  const reg = await registerStore(stack.stores, {
    storeId: 'faults-store',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl, `s3://${SOURCES}`],
  });
  store.secret = reg.signingSecret;
  client = new StoreClient(stack.api.url, reg.apiKey);
  faults = new AwsFaults().attach(stack.functionClients);
  own = createClients({}, { region: localRegion, credentials: localCredentials, endpoints: stack.emulators.endpoints });
});

after(async () => {
  faults?.clear();
  if (store) store.callbackStatus = 200;
  own?.s3.destroy();
  own?.sqs.destroy();
  own?.dynamodb.destroy();
  await stack?.stop();
  await store?.close();
});

interface Sent {
  readonly user: string;
  readonly cookie: string;
  readonly tracks: { id: number; title: string; key: string }[];
}

/** A session of `count` licensed tracks, alternately s3:// and http://, sent in one batch. */
async function sendSession(count: number): Promise<Sent> {
  n += 1;
  const user = `faults-${n}`;
  const tracks: Sent['tracks'] = [];
  const files: Record<string, Buffer> = {};
  const body: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const id = n * 100 + i;
    const title = `Song ${id}`;
    const mp3 = makeMp3({ title, artist: 'Fault Line', album: `Set ${n}`, trackNumber: i + 1 }, 5); // over 64 KiB: the tag reader reads the tail too
    let url: string;
    if (i % 2 === 0) {
      files[`s/${id}.mp3`] = mp3;
      url = `s3://${SOURCES}/s/${id}.mp3`;
    } else url = store.addFile(`f${id}.mp3`, mp3);
    tracks.push({ id, title, key: `s/${id}.mp3` });
    assert.equal((await client.putLicense(user, id)).status, 201);
    body.push({ trackUrl: url, serviceTrackId: id, downloadParams: `dp-${id}`, hrDownload: 0 });
  }
  await makeSourceBucket(own.s3, SOURCES, files);
  const cookie = (await client.openSession(user)).body.cookie;
  const res = await client.downloadTracks(cookie, body);
  assert.equal(res.status, 200);
  assert.ok(
    res.body.results.every((r) => r.state === 'queued'),
    JSON.stringify(res.body),
  );
  return { user, cookie, tracks };
}

const statesOf = async (s: Sent) => (await client.session(s.cookie)).body.tracks.map((t) => t.state);
const callbacksFor = (cookie: string, id: number) =>
  store.events.filter(
    (e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie && e.body.serviceTrackId === id,
  );

/** What a store sees once everything settled: completed tracks, one file and one row each, one event id each. */
async function assertAllCompletedOnce(s: Sent): Promise<void> {
  const status = await client.waitForSession(s.cookie, 30_000);
  assert.deepEqual(
    status.tracks.map((t) => t.state),
    s.tracks.map(() => 'completed'),
  );
  const objects = await objectsUnder(own.s3, stack.provisioned.names.bucket, `users/${s.user}/`);
  assert.equal(objects.size, s.tracks.length, [...objects.keys()].join('\n'));
  const lib = await client.library(s.user);
  assert.equal(lib.body.items.length, s.tracks.length);
  for (const t of s.tracks) {
    const told = callbacksFor(s.cookie, t.id);
    assert.deepEqual(
      [...new Set(told.map((e) => e.eventId))],
      [eventIdFor('DownloadTrackComplete', s.cookie, t.id)],
      `track ${t.id}`,
    );
    assert.ok(told.every((e) => e.verified && e.body.hrResult === '0x00000000'));
  }
}

test('S3 SlowDown, then DynamoDB throttling, on every attempt: records fail and come back; once it stops every track completes once', async (t) => {
  t.after(() => faults.clear());
  const downloads = stack.pollers.downloads.stats;
  // Only the worker and the completion function use S3, so the API still takes the tracks.
  const slowDown = faults.add({ service: 's3', kind: 'SlowDown' });
  const surfacedBefore = faults.surfaced;
  let failures = downloads.failures;
  const s = await sendSession(4);
  await waitFor('every record to fail under SlowDown', () => downloads.failures >= failures + s.tracks.length);
  slowDown.remove();
  assert.ok(faults.surfaced > surfacedBefore, "the SDK's retries were exhausted");
  assert.deepEqual(await statesOf(s), ['queued', 'queued', 'queued', 'queued']);
  assert.equal((await objectsUnder(own.s3, stack.provisioned.names.bucket, `users/${s.user}/`)).size, 0);

  // Now DynamoDB refuses the worker's state writes: files get copied, the tracks stay queued.
  failures = downloads.failures;
  const throttled = faults.add({
    service: 'dynamodb',
    kind: 'ProvisionedThroughputExceeded',
    commands: ['UpdateItemCommand'],
    match: isTransitionTo('stored'),
  });
  await waitFor('every record to fail on its state write', () => downloads.failures >= failures + s.tracks.length);
  throttled.remove();
  assert.ok(throttled.fired >= s.tracks.length);
  assert.deepEqual(await statesOf(s), ['queued', 'queued', 'queued', 'queued']);

  await assertAllCompletedOnce(s);
  assert.equal(
    (await queueDepth(own.sqs, stack.provisioned.queues.downloads.dlqUrl)).visible,
    0,
    'nothing was dead-lettered',
  );
});

test('only an unreadable message lands in the DLQ; a track that keeps failing ends failed on its last receive, its store told', async (t) => {
  t.after(() => faults.clear());
  const q = stack.provisioned.queues.downloads;
  // A track the worker keeps dying on (every read of its source fails, and is not retried).
  n += 1;
  const user = `faults-${n}`;
  const id = n * 100;
  await makeSourceBucket(own.s3, SOURCES, {
    [`dead/${id}.mp3`]: makeMp3({ title: 'Revenant', artist: 'Fault Line', album: 'DLQ' }, 0.3),
  });
  const dying = faults.add({
    service: 's3',
    kind: 'kill',
    commands: ['GetObjectCommand'],
    match: (input) => input.Key === `dead/${id}.mp3`,
  });
  await client.putLicense(user, id);
  const cookie = (await client.openSession(user)).body.cookie;
  assert.equal(
    (
      await client.downloadTrack(cookie, {
        trackUrl: `s3://${SOURCES}/dead/${id}.mp3`,
        serviceTrackId: id,
        downloadParams: 'x',
        hrDownload: 0,
      })
    ).status,
    202,
  );
  await own.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'this is not {json' }));

  await waitFor(
    'the unreadable message in the DLQ',
    async () => (await queueDepth(own.sqs, q.dlqUrl)).visible === 1,
    40_000,
  );
  const status = await client.waitForSession(cookie, 20_000);
  assert.ok(dying.fired >= settings.downloads.maxReceiveCount);
  const ended = status.tracks[0]!;
  assert.equal(ended.state, 'failed', 'ended on its last receive, not left in the DLQ');
  assert.equal(ended.hrResult, '0x80004005');
  assert.match(ended.reason ?? '', /attempts/);
  assert.equal(callbacksFor(cookie, id).length, 1, 'the store is told');
  assert.equal(callbacksFor(cookie, id)[0]!.body.hrResult, '0x80004005');
  await waitFor(
    'the downloads queue empty',
    async () => (await queueDepth(own.sqs, q.url)).visible + (await queueDepth(own.sqs, q.url)).inFlight === 0,
    10_000,
  );
  assert.equal((await queueDepth(own.sqs, q.dlqUrl)).visible, 1, 'the DLQ keeps only the unreadable one');

  dying.remove();
  const { moved, failed } = await redriveDlq(own.sqs, q.dlqUrl, q.url);
  assert.equal(moved, 1, 'only the unreadable message goes back');
  assert.deepEqual(failed, []);
});

test("the store's endpoint down, then back: every track gets its callback, under one stable event id, and ends completed", async (t) => {
  t.after(() => {
    store.callbackStatus = 200;
  });
  store.callbackStatus = 503;
  const s = await sendSession(4);
  const ids = s.tracks.map((t) => eventIdFor('DownloadTrackComplete', s.cookie, t.id));
  const refused = (id: string) => store.attempts.filter((a) => a.eventId === id && a.status === 503).length;
  await waitFor('every callback to be refused twice', () => ids.every((id) => refused(id) >= 2));
  assert.deepEqual(
    await statesOf(s),
    ['stored', 'stored', 'stored', 'stored'],
    'stored, not completed, while the store is down',
  );
  store.callbackStatus = 200;

  await assertAllCompletedOnce(s);
  for (const id of ids)
    assert.ok(
      refused(id) >= 2 && store.events.some((e) => e.eventId === id),
      'the retries carried the id that was finally delivered',
    );
});

test("a tag read throttled past the SDK's retries does not cost the track its name and tags", async (t) => {
  t.after(() => faults.clear());
  // S3 tries each request 3 times: all three attempts of a ranged GET after the first are throttled.
  const rule = faults.add({
    service: 's3',
    kind: 'SlowDown',
    commands: ['GetObjectCommand'],
    match: laterRangedRead,
    times: 3,
  });
  const s = await sendSession(1);
  const status = await client.waitForSession(s.cookie, 20_000);
  assert.equal(rule.fired, 3);
  assert.equal(status.tracks[0]!.state, 'completed');
  const item = (await client.library(s.user)).body.items[0]!;
  assert.equal(item.title, s.tracks[0]!.title);
  assert.match(String(item.key), /\/Fault Line\//);
});
