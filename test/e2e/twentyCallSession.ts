import assert from 'node:assert/strict';
import type { S3Client } from '@aws-sdk/client-s3';
import { objectsUnder } from '../../functions/adapters/bucketObjects.js';
import type { StoresRepo } from '../../functions/adapters/storesRepo.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3, makeWav } from '../../testkit/taggedAudio.js';
import { makeSourceBucket } from '../support/sourceBucket.js';

/** Where the session runs: the source-wired local stack, or the synthesized one as deployed. */
export interface PipelineTarget {
  readonly apiUrl: string;
  /** The operator's S3 access (source bucket set-up, reading the media bucket back). */
  readonly s3: S3Client;
  readonly bucket: string;
  /** The operator's store registration (`trackdrop store add`). */
  readonly stores: StoresRepo;
}

/** The source bucket of the `s3://` tracks; an as-deployed stack is synthesized with it as a source bucket. */
export const sourceBucket = 'e2e-sources';

interface Planned {
  id: number;
  url: string;
  sha256?: string | undefined;
  tags?: { title: string; artist: string; album: string; trackNumber: number };
  licensed: boolean;
  hrDownload: number | string;
  params: string;
}

/**
 * Twenty DownloadTrack calls of one session, end to end: 16 copied (3 by server-side copy from
 * a store's bucket, 13 from HTTPS), 2 declined, 2 without a license; asserts files, library rows,
 * signed callbacks and the session's status.
 */
export async function twentyCallSession(target: PipelineTarget, store: FakeStore): Promise<void> {
  const user = 'user-e2e';
  const reg = await registerStore(target.stores, {
    storeId: 'e2e-store',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl, `s3://${sourceBucket}`],
  });
  store.secret = reg.signingSecret;
  const client = new StoreClient(target.apiUrl, reg.apiKey);

  const plan: Planned[] = [];
  const s3Files: Record<string, Buffer> = {};
  const s3Sums = new Map<string, string>();
  for (let i = 1; i <= 16; i++) {
    const tags = {
      title: `Song ${i}`,
      artist: i % 2 ? 'Odd Artist' : 'Even Artist',
      album: `Album ${i % 3}`,
      trackNumber: i,
    };
    const params = `order=${i}&sku=\u00e9\u6f22${'x'.repeat(i)}<&>"'\n`;
    if (i <= 3) {
      const body = makeMp3(tags, 1 + i / 10);
      s3Files[`catalog/${i}.mp3`] = body;
      const { createHash } = await import('node:crypto');
      s3Sums.set(`s3://${sourceBucket}/catalog/${i}.mp3`, createHash('sha256').update(body).digest('hex'));
      plan.push({
        id: 1000 + i,
        url: `s3://${sourceBucket}/catalog/${i}.mp3`,
        tags,
        licensed: true,
        hrDownload: 0,
        params,
      });
    } else {
      const body = i % 4 === 0 ? makeWav(tags, 0.5) : makeMp3(tags, 1 + i / 10);
      const url = store.addFile(`t${i}.${i % 4 === 0 ? 'wav' : 'mp3'}`, body, i % 4 === 0 ? 'audio/wav' : 'audio/mpeg');
      plan.push({ id: 1000 + i, url, tags, licensed: true, hrDownload: i === 5 ? '0x00000001' : 0, params });
    }
  }
  await makeSourceBucket(target.s3, sourceBucket, s3Files);
  // Two the store declines (any failure HRESULT, as int32 or hex), two it forgot to license.
  plan.push({
    id: 2001,
    url: store.addFile('declined1.mp3', makeMp3({ title: 'D1' })),
    licensed: true,
    hrDownload: -2147467259,
    params: 'd1',
  });
  plan.push({ id: 2002, url: '', licensed: false, hrDownload: '0x80070005', params: 'd2' });
  plan.push({
    id: 3001,
    url: store.addFile('nolicense1.mp3', makeMp3({ title: 'N1' })),
    licensed: false,
    hrDownload: 0,
    params: 'n1',
  });
  plan.push({
    id: 3002,
    url: store.addFile('nolicense2.mp3', makeMp3({ title: 'N2' })),
    licensed: false,
    hrDownload: 0,
    params: 'n2',
  });

  for (const p of plan.filter((p) => p.licensed)) {
    const res = await client.putLicense(user, p.id, { licenseId: `lic-${p.id}` });
    assert.equal(res.status, 201);
  }
  const opened = await client.openSession(user, [{ id: 'album-1', type: 'album', contentIds: plan.map((p) => p.id) }]);
  assert.equal(opened.status, 201);
  const cookie = opened.body.cookie;

  for (const p of plan) {
    const res = await client.downloadTrack(cookie, {
      ...(p.url ? { trackUrl: p.url } : {}),
      serviceTrackId: p.id,
      downloadParams: p.params,
      hrDownload: p.hrDownload,
    });
    const declined = p.id >= 2000 && p.id < 3000;
    assert.equal(res.status, declined ? 200 : 202, JSON.stringify(res.body));
    assert.equal(res.body.state, declined ? 'declined' : 'queued');
  }
  // The store repeats one call: same answer, no second copy.
  const again = plan[4]!;
  const repeat = await client.downloadTrack(cookie, {
    trackUrl: again.url,
    serviceTrackId: again.id,
    downloadParams: again.params,
    hrDownload: again.hrDownload,
  });
  assert.deepEqual([repeat.status, repeat.body.state], [202, 'queued']);

  const status = await client.waitForSession(cookie);
  await waitFor(() => store.events.filter((e) => e.body.event === 'DownloadTrackComplete').length >= 18);
  await new Promise((r) => setTimeout(r, 500)); // nothing more may arrive

  // Files: 16, each under the user's Music folder with the source's exact bytes.
  const objects = await objectsUnder(target.s3, target.bucket, `users/${user}/Music/`);
  assert.equal(objects.size, 16, [...objects.keys()].join('\n'));
  const sums = new Set([
    ...plan.map((p) => s3Sums.get(p.url) ?? store.sha256(decodeURIComponent(p.url.split('/tracks/')[1] ?? ''))),
  ]);
  for (const [key, sum] of objects) {
    assert.match(key, /^users\/user-e2e\/Music\/(Odd|Even) Artist\/Album [0-2]\/\d\d Song \d+\.(mp3|wav)$/);
    assert.ok(sums.has(sum), `${key} has bytes no source had`);
  }

  // Library: 16 rows carrying the files' own tags.
  const lib = await client.library(user, '?limit=100');
  assert.equal(lib.status, 200);
  assert.equal(lib.body.items.length, 16);
  for (const item of lib.body.items) {
    const p = plan.find((x) => x.id === item.serviceTrackId)!;
    assert.equal(item.title, p.tags!.title);
    assert.equal(item.artist, p.tags!.artist);
    assert.equal(item.album, p.tags!.album);
    assert.equal(item.trackNumber, p.tags!.trackNumber);
    assert.equal(objects.get(String(item.key)), item.sha256);
  }

  // Callbacks: 18 events, signed, each with its downloadParams byte for byte. Delivery is at least
  // once with stable event ids: the repeated call above re-enqueues its track, and with functions
  // running in parallel (as deployed) that can race into a second delivery of the same event.
  const deliveries = store.events.filter((e) => e.body.event === 'DownloadTrackComplete');
  assert.ok(deliveries.every((e) => e.verified));
  const byEventId = new Map<string, (typeof deliveries)[number]>();
  for (const e of deliveries) {
    const first = byEventId.get(e.eventId);
    if (first) assert.deepEqual(e.body, first.body, 'a repeated event is the same event');
    else byEventId.set(e.eventId, e);
  }
  const completes = [...byEventId.values()];
  assert.equal(completes.length, 18);
  assert.equal(
    new Set(completes.map((e) => `${e.body.cookie} ${e.body.serviceTrackId}`)).size,
    18,
    'one event per track',
  );
  const ok = completes.filter((e) => e.body.hrResult === '0x00000000');
  const noLicense = completes.filter((e) => e.body.hrResult === '0xC00D2759');
  assert.equal(ok.length, 16);
  assert.deepEqual(noLicense.map((e) => e.body.serviceTrackId).sort(), [3001, 3002]);
  for (const e of completes) {
    const p = plan.find((x) => x.id === e.body.serviceTrackId)!;
    assert.equal(e.body.downloadParams, p.params);
    assert.equal(e.body.cookie, cookie);
  }
  assert.equal(store.events.filter((e) => e.body.event === 'Download' && e.body.cookie === cookie).length, 1);

  // Session status agrees.
  assert.deepEqual(status.counts, { queued: 0, stored: 0, completed: 16, failed: 2, cancelled: 0, declined: 2 });
  assert.equal(status.tracks.length, 20);
  for (const t of status.tracks.filter((t) => t.state === 'failed')) assert.equal(t.hrResult, '0xC00D2759');
  for (const t of status.tracks.filter((t) => t.state === 'completed')) assert.ok(objects.has(t.key!));
  // Nothing was fetched for the tracks without a license or declined.
  for (const name of ['nolicense1.mp3', 'nolicense2.mp3', 'declined1.mp3'])
    assert.equal(store.originHits.get(name) ?? 0, 0);
}

async function waitFor(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
