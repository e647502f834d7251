import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import {
  type CallbackEvent,
  createStoreClient,
  type DownloadTrackBody,
  type LibraryItem,
  type SessionBody,
  type SessionOutcome,
  StoreApiError,
  type StoreClient,
  verifyCallback,
} from '../../packages/store-client/src/index.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';

// A store that uses nothing but @trackdrop/store-client: licenses, a session, DownloadTrack
// alone and in a batch, the outcome read by paging the session to its end, the library and
// content ids through the paging helpers, and every callback verified with the package.

const user = 'typed-client-user';
const stored = [1, 2, 3, 4, 5];
/** Licensed, then withdrawn: it fails when its worker checks the license. */
const withdrawn = 6;
/** The store declines it: recorded, never fetched, never reported. */
const declined = 7;

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let signingSecret: string;
let cookie: string;
let outcome: SessionOutcome;
let library: LibraryItem[];

const isStoreError = (status: number, code: string) => (err: unknown) =>
  err instanceof StoreApiError && err.status === status && err.code === code;

before(async () => {
  stack = await startLocalStack();
  store = await startFakeStore();
  const reg = await registerStore(stack.stores, {
    storeId: 'typed-client-store',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  store.secret = reg.signingSecret;
  signingSecret = reg.signingSecret;
  client = createStoreClient({ baseUrl: stack.api.url, apiKey: reg.apiKey });
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

function track(serviceTrackId: number): DownloadTrackBody {
  const tags = {
    title: `Typed ${serviceTrackId}`,
    artist: 'The Generated',
    album: 'Paths',
    trackNumber: serviceTrackId,
  };
  return {
    trackUrl: store.addFile(`typed-${serviceTrackId}.mp3`, makeMp3(tags)),
    serviceTrackId,
    downloadParams: `order=${serviceTrackId}&sku=\u00e9`,
    hrDownload: 0,
  };
}

describe('a session driven with the typed client', () => {
  test('licenses: a batch, one put twice, one withdrawn', async () => {
    const batch = await client.putLicenseBatch(
      user,
      [1, 2, 3, 4, withdrawn].map((serviceTrackId) => ({ serviceTrackId, licenseId: `lic-${serviceTrackId}` })),
    );
    assert.deepEqual(
      batch,
      [1, 2, 3, 4, withdrawn].map((serviceTrackId) => ({ serviceTrackId, state: 'stored' })),
    );
    assert.equal((await client.putLicense(user, 5, { licenseId: 'lic-5' })).state, 'created');
    assert.equal((await client.putLicense(user, 5, { licenseId: 'lic-5b' })).state, 'updated');
    await client.deleteLicense(user, withdrawn);
    await assert.rejects(client.deleteLicense(user, withdrawn), isStoreError(404, 'license_not_found'));
  });

  test('a session opened with an Idempotency-Key, sent again, is the same session', async () => {
    const body: SessionBody = {
      userId: user,
      transactionType: 'buy',
      containers: [{ id: 'typed-cart', type: 'album', contentIds: [...stored, withdrawn, declined] }],
    };
    const opened = await client.openSession(body, { idempotencyKey: 'typed-order-1' });
    assert.equal(opened.userId, user);
    cookie = opened.cookie;
    assert.equal((await client.openSession(body, { idempotencyKey: 'typed-order-1' })).cookie, cookie);
  });

  test('DownloadTrack for one track, then a batch for the rest', async () => {
    assert.deepEqual(await client.downloadTrack(cookie, track(1)), { serviceTrackId: 1, state: 'queued' });
    const results = await client.downloadTrackBatch(cookie, [
      ...[2, 3, 4, 5, withdrawn].map(track),
      { serviceTrackId: declined, downloadParams: 'no', hrDownload: '0x80004005' },
    ]);
    assert.deepEqual(results, [
      ...[2, 3, 4, 5, withdrawn].map((serviceTrackId) => ({ serviceTrackId, state: 'queued' })),
      { serviceTrackId: declined, state: 'declined', hrResult: '0x80004005' },
    ]);
    await assert.rejects(client.downloadTrack('no-such-session', track(9)), isStoreError(404, 'session_not_found'));
  });

  test('the outcome, read two tracks a page to the end of the session', async () => {
    outcome = await client.waitForSession(cookie, { pageSize: 2, timeoutMs: 90_000 });
    assert.ok(outcome.settled);
    assert.deepEqual(outcome.session.counts, {
      queued: 0,
      stored: 0,
      completed: 5,
      failed: 1,
      cancelled: 0,
      declined: 1,
    });
    const byId = new Map(outcome.tracks.map((t) => [t.serviceTrackId, t]));
    assert.equal(outcome.tracks.length, 7, 'every page was read');
    for (const id of stored) assert.equal(byId.get(id)?.state, 'completed', JSON.stringify(byId.get(id)));
    assert.equal(byId.get(withdrawn)?.state, 'failed');
    assert.equal(byId.get(withdrawn)?.hrResult, '0xC00D2759', 'NS_E_DRM_LICENSE_NOTACQUIRED');
    assert.equal(byId.get(declined)?.state, 'declined');
    let pages = 0;
    for await (const page of client.sessionPages(cookie, { pageSize: 2 })) {
      pages += 1;
      assert.ok(page.tracks.length <= 2);
    }
    assert.equal(pages, 4, 'seven tracks two a page');
  });

  test('the library and the content ids, two a page, through the paging helpers', async () => {
    const first = await client.getLibrary(user, { limit: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.next, 'a first page of two has a next');
    library = [];
    for await (const item of client.libraryItems(user, { pageSize: 2 })) library.push(item);
    assert.deepEqual(library.map((i) => i.serviceTrackId).sort(), stored);
    for (const item of library) {
      assert.match(item.key, new RegExp(`^users/${user}/Music/The Generated/Paths/0${item.serviceTrackId} Typed`));
      assert.equal(item.cookie, cookie);
      assert.equal(outcome.tracks.find((t) => t.serviceTrackId === item.serviceTrackId)?.key, item.key);
    }
    assert.ok((await client.getContentIds(user, { limit: 2 })).next, 'a first page of two ids has a next');
    const ids: number[] = [];
    for await (const id of client.contentIds(user, { pageSize: 2 })) ids.push(id);
    assert.deepEqual(ids, stored);
  });

  test('a cancelled session answers at once, then refuses DownloadTrack', async () => {
    const other = await client.openSession({ userId: user });
    assert.deepEqual(await client.cancelSession(other.cookie), { cancelled: 0, state: 'cancelling' });
    await assert.rejects(client.downloadTrack(other.cookie, track(8)), isStoreError(409, 'session_cancelled'));
  });
});

describe('the callbacks the store received', () => {
  const ours = () => store.events.filter((e) => e.body.cookie === cookie);

  test('every one verifies with the package and reads as its webhook', () => {
    // The session settled: every DownloadTrackComplete it owed was acknowledged, so received.
    assert.equal(ours().length, 1 + stored.length + 1, JSON.stringify(ours().map((e) => e.body)));
    const events: CallbackEvent[] = [];
    for (const received of store.events) {
      const result = verifyCallback({ secret: signingSecret, header: received.signature, rawBody: received.raw });
      assert.ok(result.ok, `${received.eventId}: ${JSON.stringify(result)}`);
      assert.equal(result.event.eventId, received.eventId, 'the Trackdrop-Event-Id header names the event');
      assert.deepEqual(result.event, JSON.parse(received.raw));
      if (result.event.cookie === cookie) events.push(result.event);
    }
    const [download, ...completes] = events.sort((a, b) =>
      a.event === 'Download' ? -1 : b.event === 'Download' ? 1 : 0,
    );
    assert.ok(download?.event === 'Download');
    assert.equal(download.transactionType, 'buy');
    assert.deepEqual(download.containers[0]?.contentIds, [...stored, withdrawn, declined]);
    const done = new Map(completes.map((e) => [e.event === 'DownloadTrackComplete' ? e.serviceTrackId : -1, e]));
    assert.deepEqual([...done.keys()].sort(), [...stored, withdrawn], 'one for every approved track, none declined');
    for (const id of stored) {
      const e = done.get(id);
      assert.ok(e?.event === 'DownloadTrackComplete');
      assert.equal(e.hrResult, '0x00000000');
      assert.equal(e.downloadParams, `order=${id}&sku=\u00e9`);
      assert.equal(e.item?.key, library.find((i) => i.serviceTrackId === id)?.key);
    }
    const failed = done.get(withdrawn);
    assert.ok(failed?.event === 'DownloadTrackComplete');
    assert.equal(failed.hrResult, '0xC00D2759');
    assert.ok(failed.reason);
  });

  test('a tampered body, another secret or an old timestamp fails verification', () => {
    const received = ours().find((e) => e.body.event === 'DownloadTrackComplete');
    assert.ok(received);
    const check = { secret: signingSecret, header: received.signature };
    const tampered = received.raw.replace('order=', 'order=9');
    assert.notEqual(tampered, received.raw);
    assert.deepEqual(verifyCallback({ ...check, rawBody: tampered }), { ok: false, reason: 'mismatch' });
    const reformatted = JSON.stringify(JSON.parse(received.raw), null, 1);
    assert.deepEqual(verifyCallback({ ...check, rawBody: reformatted }), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyCallback({ ...check, secret: 'whsec_not-this-one', rawBody: received.raw }), {
      ok: false,
      reason: 'mismatch',
    });
    const later = Math.floor(received.receivedAt / 1000) + 3600;
    assert.deepEqual(verifyCallback({ ...check, rawBody: received.raw, nowSeconds: later }), {
      ok: false,
      reason: 'stale',
    });
    assert.ok(
      verifyCallback({ ...check, rawBody: Buffer.from(received.raw, 'utf8') }).ok,
      'the bytes as received verify',
    );
  });
});
