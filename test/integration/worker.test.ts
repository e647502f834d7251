import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { SQSEvent } from 'aws-lambda';
import { listKeys, objectsUnder } from '../../functions/adapters/bucketObjects.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { defaultSettings } from '../../functions/settings.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { ack, queueDepth, receiveEvent } from '../support/receiveEvent.js';

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let otherStore: StoreClient;
let n = 0;

before(async () => {
  const settings = { ...defaultSettings, limits: { ...defaultSettings.limits, originTimeoutSeconds: 1 } };
  stack = await startLocalStack({ pollers: false, settings });
  store = await startFakeStore();
  const a = await registerStore(stack.stores, {
    storeId: 'shop',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl, 'http://localhost:1'],
  });
  const b = await registerStore(stack.stores, {
    storeId: 'rival',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  client = new StoreClient(stack.api.url, a.apiKey);
  otherStore = new StoreClient(stack.api.url, b.apiKey);
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

const downloadsUrl = () => stack.provisioned.names.queueUrls.downloads;

/** One track through the API, then one worker invocation on the real message. */
async function runTrack(
  opts: {
    user?: string;
    id?: number;
    body?: Buffer;
    license?: boolean | string;
    url?: string;
    sha256?: string;
    receiveCount?: number;
  } = {},
) {
  n += 1;
  const user = opts.user ?? `wu${n}`;
  const id = opts.id ?? 500 + n;
  const url =
    opts.url ??
    store.addFile(
      `w${n}.mp3`,
      opts.body ?? makeMp3({ title: `Title ${n}`, artist: 'Worker Artist', album: 'Worker Album', trackNumber: 1 }),
    );
  if (opts.license !== false)
    await client.putLicense(user, id, typeof opts.license === 'string' ? { expiresAt: opts.license } : {});
  const cookie = (await client.openSession(user)).body.cookie;
  const accepted = await client.downloadTrack(cookie, {
    trackUrl: url,
    serviceTrackId: id,
    downloadParams: `dp-${n}`,
    hrDownload: 0,
    ...(opts.sha256 ? { sha256: opts.sha256 } : {}),
  });
  assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
  const event = await receiveEvent(stack.clients.sqs, downloadsUrl());
  assert.equal(event.Records.length, 1);
  if (opts.receiveCount) event.Records[0]!.attributes.ApproximateReceiveCount = String(opts.receiveCount);
  const res = await stack.handlers.worker(event);
  const failed = (res.batchItemFailures ?? []).map((f) => f.itemIdentifier);
  await ack(stack.clients.sqs, downloadsUrl(), event, failed);
  const track = await stack.deps.worker.tracks.get(cookie, id);
  return { user, id, url, cookie, event, failed, track: track! };
}

test('an https track lands under the Music folder with its tags, size and SHA-256; staging is cleaned up', async () => {
  const body = makeMp3({ title: 'Blue', artist: 'Band', album: 'Colours', trackNumber: 7 }, 2);
  const r = await runTrack({ body });
  assert.deepEqual(r.failed, []);
  assert.equal(r.track.state, 'stored');
  assert.equal(r.track.item?.key, `users/${r.user}/Music/Band/Colours/07 Blue.mp3`);
  assert.equal(r.track.item?.bytes, body.length);
  assert.equal(r.track.item?.sha256, createHash('sha256').update(body).digest('hex'));
  assert.ok((r.track.item?.durationSeconds ?? 0) > 1.5);
  assert.deepEqual(
    await listKeys(stack.clients.s3, stack.provisioned.names.bucket, 'staging/'),
    [],
    'no staging object left',
  );
});

test('a file tagged up front goes straight to its final key: no staging object, no server-side copy', async () => {
  const commands: string[] = [];
  stack.functionClients.s3[0]!.middlewareStack.add(
    (next, ctx) => async (args) => {
      commands.push(ctx.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  try {
    const r = await runTrack({
      body: makeMp3({ title: 'Direct', artist: 'Band', album: 'Colours', trackNumber: 2 }, 1),
    });
    assert.equal(r.track.item?.key, `users/${r.user}/Music/Band/Colours/02 Direct.mp3`);
    assert.ok(!commands.includes('CopyObjectCommand'), commands.join(' '));
    assert.deepEqual(
      commands.filter((c) => c === 'PutObjectCommand'),
      ['PutObjectCommand'],
    );
  } finally {
    stack.functionClients.s3[0]!.middlewareStack.remove('countCommands');
  }
});

test('a file tagged only at its end (ID3v1) is staged, named from those tags, and the staging object removed', async () => {
  const body = makeMp3({ title: 'Old Rip', artist: 'Tail Band', album: 'Vintage', trackNumber: 4 }, 6, { id3v1: true });
  const r = await runTrack({ body });
  assert.equal(r.track.state, 'stored');
  assert.equal(r.track.item?.key, `users/${r.user}/Music/Tail Band/Vintage/04 Old Rip.mp3`);
  assert.equal(r.track.item?.sha256, createHash('sha256').update(body).digest('hex'));
  assert.deepEqual(
    await listKeys(stack.clients.s3, stack.provisioned.names.bucket, 'staging/'),
    [],
    'no staging object left',
  );
});

test('no license: failed with NS_E_DRM_LICENSE_NOTACQUIRED and nothing fetched', async () => {
  const r = await runTrack({ license: false });
  assert.equal(r.track.state, 'failed');
  assert.equal(r.track.hrResult, 0xc00d2759);
  assert.equal(store.originHits.get(`w${n}.mp3`) ?? 0, 0);
});

test('an expired license counts as none', async () => {
  const r = await runTrack({ license: '2020-01-01T00:00:00Z' });
  assert.equal(r.track.state, 'failed');
  assert.equal(r.track.hrResult, 0xc00d2759);
});

test("another store's license does not count", async () => {
  n += 1;
  await otherStore.putLicense('shared-user', 4242);
  const r = await runTrack({ user: 'shared-user', id: 4242, license: false });
  assert.equal(r.track.state, 'failed');
  assert.equal(r.track.hrResult, 0xc00d2759);
});

test("a SHA-256 that does not match the store's fails the track and leaves no file", async () => {
  const r = await runTrack({ sha256: 'ab'.repeat(32) });
  assert.equal(r.track.state, 'failed');
  assert.equal(r.track.hrResult, 0x80091007);
  const objects = await objectsUnder(stack.clients.s3, stack.provisioned.names.bucket, `users/${r.user}/`);
  assert.equal(objects.size, 0);
});

test('origin 404 fails at once with HTTP_E_STATUS_NOT_FOUND', async () => {
  const r = await runTrack({ url: `${store.originUrl}/tracks/missing.mp3` });
  assert.deepEqual(r.failed, []);
  assert.equal(r.track.state, 'failed');
  assert.equal(r.track.hrResult, 0x80190194);
});

test('origin 500 is retried through the queue, and fails with its code on the last receive', async () => {
  n += 1;
  const name = `flaky${n}.mp3`;
  const url = store.addFile(name, makeMp3({ title: 'Flaky' }));
  store.originFaults.set(name, 'status500');
  const retried = await runTrack({ url });
  assert.equal(retried.failed.length, 1, 'reported back to SQS for a retry');
  assert.equal(retried.track.state, 'queued');
  const last = await runTrack({ url, receiveCount: defaultSettings.downloads.maxReceiveCount });
  assert.deepEqual(last.failed, []);
  assert.equal(last.track.state, 'failed');
  assert.equal(last.track.hrResult, 0x801901f4);
});

test('a body cut short is retried, never stored', async () => {
  n += 1;
  const name = `cut${n}.mp3`;
  const url = store.addFile(name, makeMp3({ title: 'Cut' }, 3));
  store.originFaults.set(name, 'truncate');
  const r = await runTrack({ url });
  assert.equal(r.failed.length, 1);
  assert.equal(r.track.state, 'queued');
  assert.equal((await objectsUnder(stack.clients.s3, stack.provisioned.names.bucket, `users/${r.user}/`)).size, 0);
});

test('a stalled origin times out and is retried', async () => {
  n += 1;
  const name = `stall${n}.mp3`;
  const url = store.addFile(name, makeMp3({ title: 'Stall' }));
  store.originFaults.set(name, 'stall');
  const r = await runTrack({ url });
  assert.equal(r.failed.length, 1);
  assert.equal(r.track.state, 'queued');
});

test('a name that resolves to loopback is refused, even when allowlisted by name', async () => {
  const r = await runTrack({ url: 'http://localhost:1/tracks/x.mp3' });
  assert.equal(r.track.state, 'failed');
  assert.equal(r.track.hrResult, 0x80070005);
});

test('the same message delivered twice (also at once) makes one file and one outcome', async () => {
  const r = await runTrack();
  const again: SQSEvent = { Records: r.event.Records.map((rec, i) => ({ ...rec, messageId: `dup-${i}` })) };
  const twice: SQSEvent = { Records: [...again.Records, { ...again.Records[0]!, messageId: 'dup-x' }] };
  const res = await stack.handlers.worker(twice);
  assert.deepEqual(res.batchItemFailures, []);
  const objects = await objectsUnder(stack.clients.s3, stack.provisioned.names.bucket, `users/${r.user}/`);
  assert.equal(objects.size, 1);
  const after2 = await stack.deps.worker.tracks.get(r.cookie, r.id);
  assert.equal(after2?.state, 'stored');
  assert.equal(after2?.item?.key, r.track.item?.key);
});

test('two tracks with the same tags get two names; names that differ only in case count as the same', async () => {
  const user = `collide${n}`;
  const a = await runTrack({
    user,
    id: 1,
    body: makeMp3({ title: 'Same', artist: 'Twin', album: 'Dup', trackNumber: 1 }),
  });
  const b = await runTrack({
    user,
    id: 2,
    body: makeMp3({ title: 'SAME', artist: 'twin', album: 'dup', trackNumber: 1 }),
  });
  assert.equal(a.track.item?.key, `users/${user}/Music/Twin/Dup/01 Same.mp3`);
  // The folders differ only in case too: the first spelling holds both tracks.
  assert.equal(b.track.item?.key, `users/${user}/Music/Twin/Dup/01 SAME (2).mp3`);
});

test('a track already in the library completes with S_FALSE and is not fetched again', async () => {
  const user = `again${n}`;
  const first = await runTrack({ user, id: 77 });
  await stack.deps.worker.library.addOnce({
    ...first.track.item!,
    userId: user,
    storeId: 'shop',
    serviceTrackId: 77,
    cookie: first.cookie,
    addedAt: new Date().toISOString(),
  });
  const hitsBefore = [...store.originHits.values()].reduce((a, b) => a + b, 0);
  const second = await runTrack({ user, id: 77 });
  assert.equal(second.track.state, 'stored');
  assert.equal(second.track.hrResult, 1);
  assert.equal(second.track.item?.key, first.track.item?.key);
  assert.equal(
    [...store.originHits.values()].reduce((a, b) => a + b, 0),
    hitsBefore,
    'the origin was not asked again',
  );
});

test('a cancel that wins the race leaves no file behind', async () => {
  n += 1;
  const user = `cancel${n}`;
  const url = store.addFile(`c${n}.mp3`, makeMp3({ title: 'Gone' }));
  await client.putLicense(user, 1);
  const cookie = (await client.openSession(user)).body.cookie;
  await client.downloadTrack(cookie, { trackUrl: url, serviceTrackId: 1, downloadParams: '', hrDownload: 0 });
  const event = await receiveEvent(stack.clients.sqs, downloadsUrl());
  const cancel = await client.call('DELETE', `/v1/downloads/${cookie}`);
  assert.equal(cancel.status, 202);
  const res = await stack.handlers.worker(event);
  await ack(
    stack.clients.sqs,
    downloadsUrl(),
    event,
    (res.batchItemFailures ?? []).map((f) => f.itemIdentifier),
  );
  assert.equal((await stack.deps.worker.tracks.get(cookie, 1))?.state, 'cancelled');
  assert.equal((await objectsUnder(stack.clients.s3, stack.provisioned.names.bucket, `users/${user}/`)).size, 0);
  assert.equal((await queueDepth(stack.clients.sqs, downloadsUrl())).visible, 0);
});

test('a re-download never harms the copy already in the library: bad bytes are refused before they reach it, a failure leaves it', async () => {
  const reg = await registerStore(stack.stores, {
    storeId: 'again-store',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
    redownload: true,
  });
  const again = new StoreClient(stack.api.url, reg.apiKey);
  const user = 'redownloader';
  const good = makeMp3({ title: 'Keeper', artist: 'Library', album: 'Safe', trackNumber: 1 }, 1);
  const goodUrl = store.addFile('keeper.mp3', good);
  const worker = async (body: Parameters<StoreClient['downloadTrack']>[1], receiveCount?: number) => {
    const cookie = (await again.openSession(user)).body.cookie;
    assert.equal((await again.downloadTrack(cookie, body)).status, 202);
    const event = await receiveEvent(stack.clients.sqs, downloadsUrl());
    if (receiveCount) event.Records[0]!.attributes.ApproximateReceiveCount = String(receiveCount);
    const res = await stack.handlers.worker(event);
    await ack(
      stack.clients.sqs,
      downloadsUrl(),
      event,
      (res.batchItemFailures ?? []).map((f) => f.itemIdentifier),
    );
    return (await stack.deps.worker.tracks.get(cookie, body.serviceTrackId))!;
  };
  await again.putLicense(user, 9);
  const first = await worker({ trackUrl: goodUrl, serviceTrackId: 9, downloadParams: '', hrDownload: 0 });
  assert.equal(first.state, 'stored');
  await stack.deps.worker.library.addOnce({
    ...first.item!,
    userId: user,
    storeId: 'again-store',
    serviceTrackId: 9,
    cookie: first.cookie,
    addedAt: first.updatedAt,
  });
  const key = first.item!.key;
  const sha = createHash('sha256').update(good).digest('hex');

  // The store now serves other bytes and says which it expects: they must not replace the file.
  const bad = makeMp3({ title: 'Keeper', artist: 'Library', album: 'Safe', trackNumber: 1 }, 2);
  const mismatch = await worker({
    trackUrl: store.addFile('keeper-v2.mp3', bad),
    serviceTrackId: 9,
    downloadParams: '',
    hrDownload: 0,
    sha256: sha,
  });
  assert.equal(mismatch.state, 'failed');
  assert.equal(mismatch.hrResult, 0x80091007);
  assert.equal((await objectsUnder(stack.clients.s3, stack.provisioned.names.bucket, `users/${user}/`)).get(key), sha);

  // A re-download that fails for good after earlier attempts leaves the library's file alone.
  const gone = await worker(
    { trackUrl: `${store.originUrl}/tracks/vanished.mp3`, serviceTrackId: 9, downloadParams: '', hrDownload: 0 },
    3,
  );
  assert.equal(gone.state, 'failed');
  assert.equal((await objectsUnder(stack.clients.s3, stack.provisioned.names.bucket, `users/${user}/`)).get(key), sha);
});
