import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SQSEvent } from 'aws-lambda';
import { objectsUnder } from '../../functions/adapters/bucketObjects.js';
import { keyIdentity, MAX_SEGMENT_BYTES, trackKey } from '../../functions/core/keyLayout.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { processDownloads } from '../../functions/service/worker/processDownloads.js';
import { defaultSettings } from '../../functions/settings.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { AwsFaults } from '../chaos/faults.js';
import { ack, receiveEvent } from '../support/receiveEvent.js';
import { runCompletions } from '../support/redelivery.js';
import { makeSourceBucket } from '../support/sourceBucket.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// Whatever an origin sends, every accepted track ends in one terminal state, the store is told,
// and nothing is left in the user's folder that the library does not know of.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let faults: AwsFaults;
let n = 0;
const SOURCES = 'hostile-sources';

before(async () => {
  // A 1 s rate window and 1 KiB/s minimum: a one-byte-every-300-ms origin is ended within about a second.
  const settings = {
    ...defaultSettings,
    limits: { ...defaultSettings.limits, originTimeoutSeconds: 1, minOriginBytesPerSecond: 1024 },
  };
  ({ stack, store, client } = await startStoreOnStack('hostile', {
    stack: { pollers: false, settings },
    sourceBuckets: [SOURCES],
  }));
  store.dripIntervalMs = 300;
  faults = new AwsFaults().attach(stack.functionClients);
});

after(async () => {
  faults?.clear();
  await stack?.stop();
  await store?.close();
});

const downloadsUrl = () => stack.provisioned.names.queueUrls.downloads;
const bucket = () => stack.provisioned.names.bucket;

interface RunOpts {
  user?: string;
  id?: number;
  url?: string;
  body?: Buffer;
  contentType?: string;
  receiveCount?: number;
  as?: StoreClient;
  remainingMs?: number;
}

/** One track through the API, then one worker invocation on its real message. */
async function runTrack(opts: RunOpts = {}) {
  n += 1;
  const as = opts.as ?? client;
  const user = opts.user ?? `hu${n}`;
  const id = opts.id ?? 900 + n;
  const url =
    opts.url ??
    store.addFile(
      `h${n}.mp3`,
      opts.body ?? makeMp3({ title: `Hostile ${n}`, artist: 'Origin', album: 'Tests', trackNumber: 1 }),
      opts.contentType,
    );
  await as.putLicense(user, id);
  const cookie = (await as.openSession(user)).body.cookie;
  const accepted = await as.downloadTrack(cookie, {
    trackUrl: url,
    serviceTrackId: id,
    downloadParams: `dp-${n}`,
    hrDownload: 0,
  });
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  const event = await receiveEvent(stack.clients.sqs, downloadsUrl());
  assert.equal(event.Records.length, 1);
  if (opts.receiveCount) event.Records[0]!.attributes.ApproximateReceiveCount = String(opts.receiveCount);
  const res = await processDownloads(
    stack.deps.worker,
    event,
    opts.remainingMs !== undefined ? { remainingMs: () => opts.remainingMs! } : undefined,
  );
  const failed = (res.batchItemFailures ?? []).map((f) => f.itemIdentifier);
  await ack(stack.clients.sqs, downloadsUrl(), event, failed);
  const track = (await stack.deps.worker.tracks.get(cookie, id))!;
  return { user, id, url, cookie, event, failed, track };
}

/** The store's DownloadTrackComplete for one track, after the completion function ran. */
async function callbackFor(cookie: string, id: number) {
  await runCompletions(stack);
  return store.events.filter(
    (e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie && e.body.serviceTrackId === id,
  );
}

async function filesOf(user: string) {
  return objectsUnder(stack.clients.s3, bucket(), `users/${user}/`);
}

/** A track that ended for good, with its HRESULT, its store told, and no file left. */
async function assertEndedWith(r: Awaited<ReturnType<typeof runTrack>>, hresult: number) {
  assert.deepEqual(r.failed, [], 'the message is acknowledged, not retried');
  assert.equal(r.track.state, 'failed', JSON.stringify(r.track));
  assert.equal(r.track.hrResult, hresult, `hrResult 0x${(r.track.hrResult ?? 0).toString(16)}: ${r.track.reason}`);
  assert.ok(r.track.reason, 'a reason is recorded');
  const told = await callbackFor(r.cookie, r.id);
  assert.equal(told.length, 1, 'the store gets one DownloadTrackComplete');
  assert.equal(told[0]!.body.hrResult, `0x${hresult.toString(16).toUpperCase().padStart(8, '0')}`);
  assert.equal((await filesOf(r.user)).size, 0, 'nothing reaches the user folder');
}

test('a zero-byte file over HTTP ends failed with HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)', async () => {
  const r = await runTrack({ body: Buffer.alloc(0) });
  await assertEndedWith(r, 0x80070026);
});

test('an empty s3:// object ends failed with HRESULT_FROM_WIN32(ERROR_HANDLE_EOF), not retried forever', async () => {
  await makeSourceBucket(stack.clients.s3, SOURCES, { 'empty.mp3': Buffer.alloc(0) });
  const r = await runTrack({ url: `s3://${SOURCES}/empty.mp3` });
  await assertEndedWith(r, 0x80070026);
});

test('an HTML page served as .mp3 is not audio: failed with HRESULT_FROM_WIN32(ERROR_BAD_FORMAT), nothing stored', async () => {
  const page = Buffer.from(
    `<!doctype html><html><head><title>Sign in</title></head><body>${'<p>please log in</p>'.repeat(200)}</body></html>`,
  );
  const r = await runTrack({ body: page, contentType: 'text/html' });
  await assertEndedWith(r, 0x8007000b);
});

test('a non-audio s3:// object is refused the same way', async () => {
  await makeSourceBucket(stack.clients.s3, SOURCES, {
    'page.mp3': Buffer.from('<html><body>nope</body></html>'.repeat(50)),
  });
  const r = await runTrack({ url: `s3://${SOURCES}/page.mp3` });
  await assertEndedWith(r, 0x8007000b);
});

test('a Content-Encoding nobody asked for is refused; trackdrop never sends Accept-Encoding', async () => {
  n += 1;
  const name = `gz${n}.mp3`;
  const url = store.addFile(name, makeMp3({ title: 'Packed', artist: 'Gzip', album: 'Bytes', trackNumber: 1 }));
  store.originFaults.set(name, 'gzip');
  const r = await runTrack({ url });
  await assertEndedWith(r, 0x8007065e);
  assert.equal(store.originRequestHeaders.get(name)?.['accept-encoding'], undefined);
});

test('a re-download that now serves a page leaves the good copy alone', async () => {
  const reg = await registerStore(stack.stores, {
    storeId: 'hostile-again',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
    redownload: true,
  });
  const again = new StoreClient(stack.api.url, reg.apiKey);
  const user = `hredl${n}`;
  const first = await runTrack({ as: again, user, id: 5 });
  assert.equal(first.track.state, 'stored');
  await runCompletions(stack);
  const before = await filesOf(user);
  const page = await runTrack({
    as: again,
    user,
    id: 5,
    body: Buffer.from('<html>maintenance</html>'.repeat(40)),
    contentType: 'text/html',
  });
  assert.equal(page.track.state, 'failed');
  assert.equal(page.track.hrResult, 0x8007000b);
  assert.deepEqual(await filesOf(user), before, 'the library copy is untouched');
});

test('huge tags are bounded: the track is stored and recorded, the object and its record agree', async () => {
  const huge = (c: string) => c.repeat(150 * 1024);
  const r = await runTrack({
    body: makeMp3({ title: huge('t'), artist: huge('a'), album: huge('b'), trackNumber: 3 }),
  });
  assert.deepEqual(r.failed, []);
  assert.equal(r.track.state, 'stored', r.track.reason);
  for (const v of [r.track.item?.title, r.track.item?.artist, r.track.item?.album]) {
    assert.ok(v && Buffer.byteLength(v) <= 1024, `a stored tag is at most 1 KiB (got ${v?.length})`);
  }
  const files = await filesOf(r.user);
  assert.deepEqual([...files.keys()], [r.track.item?.key]);
  assert.equal((await callbackFor(r.cookie, r.id))[0]?.body.hrResult, '0x00000000');
  const lib = await client.library(r.user);
  assert.equal(lib.body.items.length, 1);
});

test('a record that cannot be written never leaves an object: on its last receive the track fails and its file goes', async (ctx) => {
  ctx.after(() => faults.clear());
  faults.add({
    service: 'dynamodb',
    kind: 'kill',
    commands: ['UpdateItemCommand'],
    match: (i) => JSON.stringify(i).includes('"stored"'),
  });
  const retried = await runTrack({});
  assert.equal(retried.failed.length, 1, 'retried before its last receive');
  assert.equal(retried.track.state, 'queued');
  n -= 1; // the same file again
  const last = await runTrack({
    user: retried.user,
    id: retried.id,
    url: retried.url,
    receiveCount: defaultSettings.downloads.maxReceiveCount,
  });
  faults.clear();
  await assertEndedWith(last, 0x80004005);
});

test('past 100 tracks of the same name: each gets a unique key in a bounded number of claims', async () => {
  n += 1;
  const user = `same${n}`;
  const tags = { title: 'Track 01', trackNumber: 1 };
  // 150 other tracks already hold "Unknown Artist/Unknown Album/01 Track 01" and its ( n) forms.
  for (let attempt = 1; attempt <= 150; attempt++) {
    const key = trackKey({ userId: user, serviceTrackId: 1, tags, ext: 'mp3', attempt });
    assert.equal(await stack.deps.worker.library.claimKey(user, keyIdentity(key), `other#${attempt}`, key), 'claimed');
  }
  let claims = 0;
  for (const ddb of stack.functionClients.dynamodb) {
    ddb.middlewareStack.add(
      (next, c) => async (args) => {
        if (c.commandName === 'PutItemCommand' && JSON.stringify(args.input).includes('key#')) claims += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countClaims' },
    );
  }
  try {
    const keys = new Set<string>();
    for (let i = 0; i < 3; i++) {
      claims = 0;
      const r = await runTrack({ user, id: 2000 + i, body: makeMp3(tags) });
      assert.equal(r.track.state, 'stored', r.track.reason);
      assert.ok(claims <= 6, `${claims} claim writes`);
      keys.add(r.track.item!.key);
    }
    assert.equal(keys.size, 3);
    for (const k of keys) assert.ok(Buffer.byteLength(k.split('/').at(-1)!) <= MAX_SEGMENT_BYTES, k);
  } finally {
    for (const ddb of stack.functionClients.dynamodb) ddb.middlewareStack.remove('countClaims');
  }
});

test('a slow-drip origin (200, then a byte every 300 ms) ends failed as too slow, at once, not retried', {
  timeout: 60_000,
}, async () => {
  n += 1;
  const name = `drip${n}.mp3`;
  const url = store.addFile(name, makeMp3({ title: 'Drip', artist: 'Slow', album: 'Origin' }, 1));
  store.originFaults.set(name, 'drip');
  const r = await runTrack({ url });
  await assertEndedWith(r, 0x800c000b);
});

test("a fetch never runs past the invocation's remaining time: retried, then failed as too slow on its last receive", async () => {
  n += 1;
  const name = `late${n}.mp3`;
  const url = store.addFile(name, makeMp3({ title: 'Late', artist: 'Slow', album: 'Origin' }, 1));
  store.originFaults.set(name, 'stall');
  // A stall is cut by the 1 s header timeout (ERROR_TIMEOUT) too; with 10.3 s left and a 10 s
  // reserve the deadline (0.3 s) comes first, which the HRESULT on the last receive shows.
  const r = await runTrack({ url, remainingMs: 10_300 });
  assert.equal(r.failed.length, 1);
  assert.equal(r.track.state, 'queued');
  n -= 1;
  const last = await runTrack({
    url,
    user: r.user,
    id: r.id,
    remainingMs: 10_300,
    receiveCount: defaultSettings.downloads.maxReceiveCount,
  });
  await assertEndedWith(last, 0x800c000b);
});

test('an error that repeats to the last receive ends the track failed with E_FAIL and a reason, and is acknowledged', async (ctx) => {
  ctx.after(() => faults.clear());
  // Claiming the object key keeps failing: not a track failure, a fault of trackdrop's own.
  faults.add({
    service: 'dynamodb',
    kind: 'kill',
    commands: ['PutItemCommand'],
    match: (i) => JSON.stringify(i).includes('key#'),
  });
  const first = await runTrack({});
  assert.equal(first.failed.length, 1);
  assert.equal(first.track.state, 'queued');
  n -= 1;
  const last = await runTrack({
    user: first.user,
    id: first.id,
    url: first.url,
    receiveCount: defaultSettings.downloads.maxReceiveCount,
  });
  faults.clear();
  await assertEndedWith(last, 0x80004005);
  assert.match(last.track.reason ?? '', /attempt/);
});

test('a message that cannot be read is the only kind left for the dead-letter queue', async () => {
  const record = (await runTrack({})).event.Records[0]!;
  const event: SQSEvent = {
    Records: [
      { ...record, body: '{"not":"a download"}', attributes: { ...record.attributes, ApproximateReceiveCount: '5' } },
    ],
  };
  const res = await processDownloads(stack.deps.worker, event);
  assert.equal(res.batchItemFailures.length, 1, 'reported as failed, so it reaches the dead-letter queue');
});

test('a re-download whose tags changed leaves one object: the new one, recorded; the old one removed', async () => {
  const reg = await registerStore(stack.stores, {
    storeId: 'hostile-retag',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
    redownload: true,
  });
  const again = new StoreClient(stack.api.url, reg.apiKey);
  const user = `retag${n}`;
  const first = await runTrack({
    as: again,
    user,
    id: 7,
    body: makeMp3({ title: 'Song', artist: 'Band', album: 'LP', trackNumber: 1 }),
  });
  assert.equal(first.track.state, 'stored');
  await runCompletions(stack);
  for (const title of ['Song (Remastered)', 'Song (Remastered 2)', 'Song (Live)']) {
    const r = await runTrack({
      as: again,
      user,
      id: 7,
      body: makeMp3({ title, artist: 'Band', album: 'LP', trackNumber: 1 }),
    });
    assert.equal(r.track.state, 'stored', r.track.reason);
    await runCompletions(stack);
    const files = await filesOf(user);
    assert.deepEqual([...files.keys()], [`users/${user}/Music/Band/LP/01 ${title}.mp3`]);
    const lib = await again.library(user);
    assert.equal(lib.body.items.length, 1);
    assert.equal(
      lib.body.items[0]!.key,
      `users/${user}/Music/Band/LP/01 ${title}.mp3`,
      JSON.stringify(lib.body.items[0]),
    );
  }
});

test("a store learns nothing of other stores' files: its key is the one its own tags give, never a suffix another store's file caused", async () => {
  const regB = await registerStore(stack.stores, {
    storeId: 'hostile-b',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  const b = new StoreClient(stack.api.url, regB.apiKey);
  const user = `shared${n}`;
  const tags = { title: 'One', artist: 'Same', album: 'Name', trackNumber: 1 };
  const a = await runTrack({ user, id: 1, body: makeMp3(tags) });
  assert.equal(a.track.item?.key, `users/${user}/Music/Same/Name/01 One.mp3`);
  await runCompletions(stack);
  const secretA = store.secret;
  store.secret = regB.signingSecret;
  try {
    const r = await runTrack({ as: b, user, id: 2, body: makeMp3(tags) });
    const plain = `users/${user}/Music/Same/Name/01 One.mp3`;
    assert.equal(
      r.track.item?.key,
      `users/${user}/Music/Same/Name/01 One (2).mp3`,
      'the folder itself keeps both files apart',
    );
    const status = (await b.session(r.cookie)).body.tracks[0]!;
    assert.equal(status.key, plain);
    const told = await callbackFor(r.cookie, r.id);
    assert.equal((told[0]!.body.item as { key: string }).key, plain);
    assert.ok((told[0]!.body.item as { itemId?: string }).itemId, 'an item id names the item');
    const lib = await b.library(user);
    assert.equal(lib.body.items[0]!.key, plain);
    assert.equal(lib.body.items[0]!.itemId, (told[0]!.body.item as { itemId: string }).itemId);
    assert.ok(!JSON.stringify([status, told[0]!.body, lib.body]).includes('(2)'));
  } finally {
    store.secret = secretA;
  }
});
