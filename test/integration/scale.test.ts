import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { defaultSettings } from '../../functions/settings.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { type SessionStatus, StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { queueDepth } from '../support/receiveEvent.js';

// Sizes that show paging and chunking at work while keeping the suite fast; the benchmark's
// scale section runs the same paths at 20,000 tracks and a 50,000-item library.
let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let other: StoreClient;

before(async () => {
  // Pollers start only where a test needs them, so a test can look at work still queued. The
  // callback timeout is long so that a slow answer from the test's own receiver on a busy
  // machine is not retried: every second delivery seen is then a second send.
  stack = await startLocalStack({
    pollers: false,
    settings: { ...defaultSettings, callbacks: { ...defaultSettings.callbacks, timeoutSeconds: 120 } },
  });
  store = await startFakeStore();
  const reg = await registerStore(stack.stores, {
    storeId: 'big',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  store.secret = reg.signingSecret;
  const b = await registerStore(stack.stores, {
    storeId: 'small',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  client = new StoreClient(stack.api.url, reg.apiKey);
  other = new StoreClient(stack.api.url, b.apiKey);
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Opens a session and sends `n` tracks in batches of 100; answers the cookie. */
async function bigSession(user: string, n: number, params = 'p'.repeat(2048)): Promise<string> {
  const url = store.addFile(`${user}.mp3`, makeMp3({ title: user }));
  const cookie = (await client.openSession(user)).body.cookie;
  for (let i = 0; i < n; i += 100) {
    const tracks = Array.from({ length: Math.min(100, n - i) }, (_, j) => ({
      trackUrl: url,
      serviceTrackId: i + j + 1,
      downloadParams: params,
      hrDownload: 0,
    }));
    const res = await client.downloadTracks(cookie, tracks);
    assert.equal(res.status, 200);
    assert.ok(
      res.body.results.every((r) => r.state === 'queued'),
      JSON.stringify(res.body.results.find((r) => r.state !== 'queued')),
    );
  }
  return cookie;
}

async function allPages(
  cookie: string,
  limit: number,
): Promise<{ pages: { status: number; body: SessionStatus; bytes: number }[] }> {
  const pages: { status: number; body: SessionStatus; bytes: number }[] = [];
  let next: string | undefined;
  do {
    const res = await client.session(cookie, `?limit=${limit}${next ? `&next=${next}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    pages.push({ status: res.status, body: res.body, bytes: JSON.stringify(res.body).length });
    next = res.body.next;
  } while (next && pages.length < 100);
  return { pages };
}

test('session status: counts for the whole session, tracks a page at a time by opaque cursor, never downloadParams', async () => {
  const cookie = await bigSession('pager', 350);
  const { pages } = await allPages(cookie, 100);
  const ids = pages.flatMap((p) => p.body.tracks.map((t) => t.serviceTrackId));
  assert.equal(ids.length, 350, 'every track once');
  assert.equal(new Set(ids).size, 350);
  assert.ok(pages.every((p) => p.body.tracks.length <= 100));
  for (const p of pages)
    assert.deepEqual(p.body.counts, { queued: 350, stored: 0, completed: 0, failed: 0, cancelled: 0, declined: 0 });
  assert.ok(
    pages.every((p) => !JSON.stringify(p.body).includes('ppppp')),
    'downloadParams never travel in a status answer',
  );
  assert.equal(pages.at(-1)?.body.next, undefined);
  // Pages smaller than a shard (~22 tracks each here) are read one shard at a time: still every track once.
  const small = (await allPages(cookie, 15)).pages;
  const smallIds = small.flatMap((p) => p.body.tracks.map((t) => t.serviceTrackId));
  assert.equal(smallIds.length, 350, 'every track once in pages of 15');
  assert.equal(new Set(smallIds).size, 350);
  assert.ok(small.every((p) => p.body.tracks.length <= 15));
  // A session that fits in one page answers as it always did: every track, no cursor.
  const whole = await client.session(cookie);
  assert.equal(whole.body.tracks.length, 350);
  assert.equal(whole.body.next, undefined);
  assert.deepEqual(
    whole.body.tracks.map((t) => t.serviceTrackId),
    Array.from({ length: 350 }, (_, i) => i + 1),
    'in serviceTrackId order',
  );
});

test('forged cursors answer 400 invalid_request on every paged route, never 500', async () => {
  const cookie = (await client.openSession('forger')).body.cookie;
  const forged = [
    'Zm9v',
    '!!!',
    'x'.repeat(600),
    b64('track#small#0000000001'),
    b64('{"v":1,"s":99}'),
    b64('{"v":1,"s":16}'),
    b64('{"v":1,"a":-1}'),
    b64('{"v":1,"a":4294967296}'),
    b64('{"v":2,"a":1}'),
    b64('{"v":1,"a":1,"userId":"someone-else"}'),
    b64('{"v":1,"a":"1"}'),
    b64('null'),
  ];
  for (const next of forged) {
    for (const res of [
      await client.session(cookie, `?next=${encodeURIComponent(next)}`),
      await client.library('forger', `?next=${encodeURIComponent(next)}`),
      await client.contentIds('forger', `?next=${encodeURIComponent(next)}`),
    ]) {
      assert.equal(res.status, 400, `${next}: ${JSON.stringify(res.body)}`);
      assert.equal((res.body as unknown as { error: { code: string } }).error.code, 'invalid_request');
    }
  }
});

test('library and content ids page in bounded steps, and a library that fits answers whole as before', async () => {
  const user = 'collector';
  const rows = Array.from({ length: 2500 }, (_, i) => ({
    userId: user,
    storeId: 'big',
    serviceTrackId: i * 3,
    cookie: 'c',
    key: `users/${user}/Music/A/B/${i}.mp3`,
    bytes: 1,
    sha256: '0'.repeat(64),
    addedAt: new Date().toISOString(),
  }));
  await stack.deps.completion.library.putMany(rows);
  await stack.deps.completion.library.putMany([{ ...rows[0]!, storeId: 'small', serviceTrackId: 999_999 }]);
  const whole = await client.contentIds(user);
  assert.equal(whole.body.contentIds.length, 2500);
  assert.equal(whole.body.next, undefined);
  const ids: number[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const res = await client.contentIds(user, `?limit=1000${next ? `&next=${next}` : ''}`);
    assert.equal(res.status, 200);
    assert.ok(res.body.contentIds.length <= 1000);
    ids.push(...res.body.contentIds);
    next = res.body.next;
    pages += 1;
  } while (next);
  assert.equal(pages, 3);
  assert.deepEqual(
    ids,
    rows.map((r) => r.serviceTrackId),
    'every id once, in order, none of another store',
  );
  const items: number[] = [];
  next = undefined;
  do {
    const res = await client.library(user, `?limit=700${next ? `&next=${next}` : ''}`);
    items.push(...res.body.items.map((i) => Number(i.serviceTrackId)));
    next = res.body.next;
  } while (next);
  assert.deepEqual(
    items,
    rows.map((r) => r.serviceTrackId),
  );
  assert.deepEqual((await other.contentIds(user)).body.contentIds, [999_999]);
});

test('a cursor pages only the listing that issued it: another session, user or route answers 400', async () => {
  const [a, b] = [await bigSession('cursor-a', 5, 'p'), await bigSession('cursor-b', 5, 'p')];
  const fromA = String((await client.session(a, '?limit=2')).body.next);
  assert.equal((await client.session(a, `?limit=2&next=${fromA}`)).status, 200);
  const ofLibrary = String((await client.library('collector', '?limit=2')).body.next);
  const ofIds = String((await client.contentIds('collector', '?limit=2')).body.next);
  assert.equal((await client.library('collector', `?limit=2&next=${ofLibrary}`)).status, 200);
  for (const res of [
    await client.session(b, `?limit=2&next=${fromA}`),
    await client.library('someone-else', `?next=${ofLibrary}`),
    await client.contentIds('collector', `?next=${ofLibrary}`),
    await client.library('collector', `?next=${ofIds}`),
  ]) {
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal((res.body as unknown as { error: { code: string } }).error.code, 'invalid_request');
  }
});

test('licenses:batch stores up to 100 licenses in one call; over 100 is a 400', async () => {
  const licenses = Array.from({ length: 100 }, (_, i) => ({
    serviceTrackId: i + 1,
    ...(i % 2 ? { licenseId: `L${i}` } : {}),
  }));
  const res = await client.putLicenses('licensee', licenses);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(
    res.body.results,
    licenses.map((l) => ({ serviceTrackId: l.serviceTrackId, state: 'stored' })),
  );
  const facts = await stack.deps.worker.trackFacts(
    licenses.map((l) => ({ userId: 'licensee', storeId: 'big', serviceTrackId: l.serviceTrackId })),
  );
  assert.equal(facts.licenses.size, 100);
  const none = await stack.deps.worker.trackFacts([{ userId: 'licensee', storeId: 'small', serviceTrackId: 1 }]);
  assert.equal(none.licenses.size, 0, "another store's licenses are its own");
  const over = await client.putLicenses(
    'licensee',
    Array.from({ length: 101 }, (_, i) => ({ serviceTrackId: i })),
  );
  assert.equal(over.status, 400);
  const bad = await client.putLicenses('licensee', [{ serviceTrackId: 1, expiresAt: 'soon' }]);
  assert.equal(bad.status, 400);
});

test('a DownloadTrack batch with a throttled track answers that track "throttled" and takes the others', async () => {
  const repo = stack.deps.api.tracks;
  const original = repo.putOnce.bind(repo);
  repo.putOnce = async (track) => {
    if (track.serviceTrackId === 7)
      throw new ProvisionedThroughputExceededException({
        message: 'Throughput exceeds the current capacity',
        $metadata: {},
      });
    return original(track);
  };
  try {
    const cookie = (await client.openSession('throttled')).body.cookie;
    const url = store.addFile('th.mp3', makeMp3({ title: 'th' }));
    const res = await client.downloadTracks(
      cookie,
      [5, 6, 7, 8].map((id) => ({ trackUrl: url, serviceTrackId: id, downloadParams: '', hrDownload: 0 })),
    );
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.results.map((r) => r.state ?? (r.error as { code: string }).code),
      ['queued', 'queued', 'throttled', 'queued'],
    );
    assert.equal(res.body.results[2]?.serviceTrackId, 7);
    const single = await client.downloadTrack(cookie, {
      trackUrl: url,
      serviceTrackId: 7,
      downloadParams: '',
      hrDownload: 0,
    });
    assert.equal(single.status, 429);
    assert.equal(single.headers.get('retry-after'), '1');
    assert.deepEqual((await client.session(cookie)).body.counts.queued, 3);
  } finally {
    repo.putOnce = original;
  }
});

test('cancel answers at once whatever the size; each queued track then ends cancelled with one E_ABORT callback, none fetched', async () => {
  const n = 450;
  const cookie = await bigSession('canceller', n);
  await client.putLicenses(
    'canceller',
    Array.from({ length: 100 }, (_, i) => ({ serviceTrackId: i + 1 })),
  );
  const hitsBefore = [...store.originHits.values()].reduce((a, b) => a + b, 0);
  const res = await client.call<{ cancelled: number; state: string }>('DELETE', `/v1/downloads/${cookie}`);
  assert.equal(res.status, 202);
  assert.deepEqual(res.body, { cancelled: n, state: 'cancelling' });
  // The request only marked the session: the tracks end in the background.
  assert.equal((await client.session(cookie)).body.counts.queued, n);
  assert.equal(
    (
      await client.downloadTrack(cookie, {
        trackUrl: `${store.originUrl}/x.mp3`,
        serviceTrackId: 9999,
        downloadParams: '',
        hrDownload: 0,
      })
    ).status,
    409,
  );
  // Workers and cancel chunks race for the same tracks: each track is still told once.
  await Promise.all(Object.values(stack.pollers).map((p) => p.start()));
  try {
    const deadline = Date.now() + 120_000;
    const calls = () =>
      store.events.filter((e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie);
    while (Date.now() < deadline) {
      const status = (await client.session(cookie)).body;
      const depth = [
        await queueDepth(stack.clients.sqs, stack.provisioned.names.queueUrls.downloads),
        await queueDepth(stack.clients.sqs, stack.provisioned.names.queueUrls.completions),
      ];
      if (
        status.counts.cancelled === n &&
        calls().length >= n &&
        depth.every((d) => d.visible === 0 && d.inFlight === 0)
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const perTrack = new Map<number, number>();
    for (const e of calls()) {
      assert.equal(e.body.hrResult, '0x80004004');
      assert.equal(e.body.downloadParams, 'p'.repeat(2048));
      perTrack.set(Number(e.body.serviceTrackId), (perTrack.get(Number(e.body.serviceTrackId)) ?? 0) + 1);
    }
    assert.equal(perTrack.size, n, 'every track told');
    assert.deepEqual([...new Set(perTrack.values())], [1], 'each exactly once');
    const status = await client.session(cookie);
    assert.deepEqual(status.body.counts, { queued: 0, stored: 0, completed: 0, failed: 0, cancelled: n, declined: 0 });
    assert.ok(status.body.tracks.every((t) => t.state === 'cancelled' && t.hrResult === '0x80004004' && t.notifiedAt));
    assert.equal(
      [...store.originHits.values()].reduce((a, b) => a + b, 0),
      hitsBefore,
      'no track of the cancelled session was fetched',
    );
  } finally {
    await Promise.all(Object.values(stack.pollers).map((p) => p.stop()));
  }
});

test("a failed track's clean-up reads only that track's name claims", async () => {
  const user = 'claimer';
  for (let i = 0; i < 300; i++)
    await stack.deps.worker.library.claimKey(
      user,
      `artist/album/${i}.mp3`,
      `big#${i}`,
      `users/${user}/Music/Artist/Album/${i}.mp3`,
    );
  await stack.deps.worker.library.claimKey(
    user,
    'artist/album/42 (2).mp3',
    'big#42',
    `users/${user}/Music/Artist/Album/42 (2).mp3`,
  );
  assert.deepEqual((await stack.deps.worker.library.keysOwnedBy(user, 'big#42')).sort(), [
    `users/${user}/Music/Artist/Album/42 (2).mp3`,
    `users/${user}/Music/Artist/Album/42.mp3`,
  ]);
  assert.deepEqual(await stack.deps.worker.library.keysOwnedBy('someone-else', 'big#42'), []);
});
