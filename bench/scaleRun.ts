import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { mapLimit } from '../functions/core/mapLimit.js';
import type { LibraryItem } from '../functions/core/storedRecords.js';
import { registerStore } from '../functions/service/admin/registerStore.js';
import { startFakeStoreThread, type ThreadStore } from '../testkit/fakeStoreThread.js';
import { type SessionStatus, StoreClient } from '../testkit/storeClient.js';
import { type BenchStack, startBenchStack } from './benchStack.js';
import { withEmulators } from './emulatorProcesses.js';
import { putAllLicenses, submitTracks, volumeFiles } from './volumeSession.js';

export interface ScaleSizes {
  /** Tracks in the one big session that is drained end to end. */
  readonly sessionTracks: number;
  /** Queued tracks in the session that is cancelled. */
  readonly cancelTracks: number;
  /** Items in the big library. */
  readonly libraryItems: number;
  readonly timeoutMs: number;
}

export interface Latency {
  readonly count: number;
  readonly p50Ms: number;
  readonly maxMs: number;
}

export interface ScaleResult {
  readonly session: {
    readonly tracks: number;
    /** Licenses through PUT …/licenses:batch, 100 a call. */
    readonly licensesPerSecond: number;
    /** DownloadTrack batches of 100, 4 calls in flight. */
    readonly submitTracksPerSecond: number;
    /** From the first DownloadTrack batch to the last DownloadTrackComplete. */
    readonly drainTracksPerSecond: number;
    readonly drainSeconds: number;
    /** Status pages (1,000 tracks) read while the session drained, and one full walk at the end. */
    readonly statusPage: Latency & { readonly maxBytes: number; readonly pagesInWalk: number; readonly walkMs: number };
    readonly terminal: number;
    /** DownloadTrackComplete deliveries per track, and tracks told other than exactly once. */
    readonly callbacksPerTrack: number;
    readonly tracksNotToldOnce: number;
    /** For the tracks told more than once: seconds between their first two deliveries (p50, max). */
    readonly repeatGapSeconds: { readonly p50: number; readonly max: number };
    /**
     * Event loop delay of this process's own loop while the session drained: the local HTTP front
     * and the benchmark's client run on it; each function has a thread of its own.
     */
    readonly loopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
    readonly countsMatch: boolean;
    /**
     * The status reads' own duration in the api's thread (what Lambda would bill; API Gateway
     * adds its own ms), against `statusPage`, timed by the client through the local HTTP front.
     */
    readonly statusFunction: Latency;
  };
  readonly cancel: {
    readonly tracks: number;
    readonly answerMs: number;
    /** From the DELETE to the last E_ABORT callback. */
    readonly allToldSeconds: number;
    readonly callbacksPerTrack: number;
    readonly tracksNotToldOnce: number;
    readonly fetched: number;
  };
  readonly library: {
    readonly items: number;
    readonly page: Latency & { readonly maxBytes: number };
    readonly contentIds: Latency & { readonly pages: number; readonly totalMs: number; readonly ids: number };
  };
}

const STORE = 'scale-store';

/**
 * Real volumes on the local stack: one big session submitted as fast as the batch route takes
 * it and drained end to end, a cancel of a session full of queued tracks, and a big library
 * paged through. Emulators in their own processes; the store and each function in a thread of its own.
 */
export async function scaleRun(sizes: ScaleSizes, log: (m: string) => void): Promise<ScaleResult> {
  return withEmulators({}, async (emulators) => {
    // A short lease, as the sandbox has: a track retried after an origin timeout on this busy
    // machine comes back in seconds rather than after the worker's 30-minute visibility timeout.
    // Each function in a thread of its own, as each has its own processes on AWS: the api's
    // answers are then timed apart from the workers' copies and the completions' callbacks.
    const statusRuns: number[] = [];
    const stack = await startBenchStack({
      endpoints: emulators.endpoints,
      pollers: true,
      leaseSeconds: 20,
      host: {
        kind: 'threads',
        onApiInvoked: (routeKey, ms) => {
          if (routeKey === 'GET /v1/downloads/{cookie}') statusRuns.push(ms);
        },
      },
    });
    const store = await startFakeStoreThread();
    try {
      const reg = await registerStore(stack.stores, {
        storeId: STORE,
        callbackUrl: store.callbackUrl,
        allowOrigins: [store.originUrl],
      });
      store.secret = reg.signingSecret;
      const client = new StoreClient(stack.api.url, reg.apiKey);
      const session = { ...(await bigSession(stack, store, client, sizes, log)), statusFunction: latency(statusRuns) };
      const cancel = await cancelRun(stack, store, client, sizes, log);
      const library = await libraryRun(stack, client, sizes, log);
      return { session, cancel, library };
    } finally {
      await stack.stop();
      await store.close();
    }
  });
}

async function bigSession(
  stack: BenchStack,
  store: ThreadStore,
  client: StoreClient,
  sizes: ScaleSizes,
  log: (m: string) => void,
): Promise<Omit<ScaleResult['session'], 'statusFunction'>> {
  const user = 'scale-user';
  const tracks = volumeFiles(store, 'session', sizes.sessionTracks);
  await store.synced();
  const { seconds: licenseSeconds, waitedOut } = await putAllLicenses(
    client,
    user,
    tracks.map((t) => t.id),
  );
  if (waitedOut > 0) log(`scale: licenses:batch answered 429 ${waitedOut} time(s), each waited out`);
  const cookie = (await client.openSession(user)).body.cookie;
  log(`scale: ${tracks.length} licenses in ${licenseSeconds.toFixed(1)} s; submitting ${tracks.length} tracks`);
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  const startedAt = Date.now();
  const submitSeconds = await submitTracks(client, cookie, tracks);
  log(`scale: submitted in ${submitSeconds.toFixed(1)} s; draining`);
  const pageTimes: number[] = [];
  let maxBytes = 0;
  const completes = () =>
    store.events.filter((e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie);
  const deadline = Date.now() + sizes.timeoutMs;
  let lastLog = Date.now();
  for (;;) {
    const t0 = performance.now();
    const res = await client.call('GET', `/v1/downloads/${cookie}`);
    pageTimes.push(performance.now() - t0);
    maxBytes = Math.max(maxBytes, JSON.stringify(res.body).length);
    const told = new Set(completes().map((e) => e.body.serviceTrackId)).size;
    if (told >= tracks.length) break;
    if (Date.now() > deadline) {
      const toldIds = new Set(completes().map((e) => Number(e.body.serviceTrackId)));
      const stuck = (await allTracks(client, cookie)).filter((t) => !toldIds.has(t.serviceTrackId)).slice(0, 5);
      throw new Error(
        `only ${told} of ${tracks.length} tracks told within ${sizes.timeoutMs} ms; not told: ${JSON.stringify(stuck)}`,
      );
    }
    if (Date.now() - lastLog > 15_000) {
      log(`scale: ${told} of ${tracks.length} told`);
      lastLog = Date.now();
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  lag.disable();
  const loopDelayMs = { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 };
  const lastAt = Math.max(...completes().map((e) => e.receivedAt));
  const drainSeconds = (lastAt - startedAt) / 1000;
  await stack.settle(500);
  // One walk of every page at the end: every track terminal, the counts agree with the pages.
  const w0 = performance.now();
  let next: string | undefined;
  let pages = 0;
  let terminal = 0;
  let counts: Record<string, number> = {};
  do {
    const t0 = performance.now();
    const res = await client.session(cookie, next ? `?next=${next}` : '');
    pageTimes.push(performance.now() - t0);
    maxBytes = Math.max(maxBytes, JSON.stringify(res.body).length);
    counts = res.body.counts;
    terminal += res.body.tracks.filter(
      (t) => t.state === 'completed' || ((t.state === 'failed' || t.state === 'cancelled') && t.notifiedAt),
    ).length;
    next = res.body.next;
    pages += 1;
  } while (next);
  const walkMs = performance.now() - w0;
  const perTrack = deliveries(completes());
  log(
    `scale: invocations ${JSON.stringify({ worker: stack.pollers?.downloads.stats, completion: stack.pollers?.completions.stats })}`,
  );
  return {
    tracks: tracks.length,
    licensesPerSecond: tracks.length / licenseSeconds,
    submitTracksPerSecond: tracks.length / submitSeconds,
    drainTracksPerSecond: tracks.length / drainSeconds,
    drainSeconds,
    statusPage: { ...latency(pageTimes), maxBytes, pagesInWalk: pages, walkMs },
    terminal,
    callbacksPerTrack: completes().length / tracks.length,
    tracksNotToldOnce: tracks.length - [...perTrack.values()].filter((c) => c === 1).length,
    repeatGapSeconds: repeatGaps(completes()),
    loopDelayMs,
    countsMatch:
      counts.completed === tracks.length && Object.entries(counts).every(([k, v]) => k === 'completed' || v === 0),
  };
}

async function cancelRun(
  stack: BenchStack,
  store: ThreadStore,
  client: StoreClient,
  sizes: ScaleSizes,
  log: (m: string) => void,
): Promise<ScaleResult['cancel']> {
  const tracks = volumeFiles(store, 'cancel', sizes.cancelTracks);
  await store.synced();
  const cookie = (await client.openSession('scale-canceller')).body.cookie;
  // Held queued: the worker's event source is paused while they are submitted.
  await stack.pollers?.downloads.stop();
  await submitTracks(client, cookie, tracks);
  const hits = () => [...store.originHits].filter(([k]) => k.includes('/cancel/')).reduce((a, [, v]) => a + v, 0);
  const hitsBefore = hits();
  log(`scale: ${tracks.length} tracks queued; cancelling`);
  const t0 = performance.now();
  const res = await client.call<{ cancelled: number }>('DELETE', `/v1/downloads/${cookie}`);
  const answerMs = performance.now() - t0;
  if (res.status !== 202 || res.body.cancelled !== tracks.length)
    throw new Error(`cancel answered ${res.status} ${JSON.stringify(res.body)}`);
  const cancelledAt = Date.now();
  await stack.pollers?.downloads.start();
  const completes = () =>
    store.events.filter((e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie);
  const deadline = Date.now() + sizes.timeoutMs;
  while (new Set(completes().map((e) => e.body.serviceTrackId)).size < tracks.length) {
    if (Date.now() > deadline)
      throw new Error(
        `only ${new Set(completes().map((e) => e.body.serviceTrackId)).size} of ${tracks.length} cancelled tracks told`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
  const allToldSeconds = (Math.max(...completes().map((e) => e.receivedAt)) - cancelledAt) / 1000;
  await stack.settle(1000);
  const perTrack = deliveries(completes().filter((e) => e.body.hrResult === '0x80004004'));
  return {
    tracks: tracks.length,
    answerMs,
    allToldSeconds,
    callbacksPerTrack: completes().length / tracks.length,
    tracksNotToldOnce: tracks.length - [...perTrack.values()].filter((c) => c === 1).length,
    fetched: hits() - hitsBefore,
  };
}

async function libraryRun(
  stack: BenchStack,
  client: StoreClient,
  sizes: ScaleSizes,
  log: (m: string) => void,
): Promise<ScaleResult['library']> {
  const user = 'scale-collector';
  const now = new Date().toISOString();
  const rows: LibraryItem[] = Array.from({ length: sizes.libraryItems }, (_, i) => ({
    userId: user,
    storeId: STORE,
    serviceTrackId: i + 1,
    cookie: 'imported',
    key: `users/${user}/Music/Artist ${Math.floor(i / 1000)}/Album ${Math.floor(i / 10)}/${String((i % 10) + 1).padStart(2, '0')} Track ${i + 1}.mp3`,
    bytes: 8_000_000,
    sha256: 'ab'.repeat(32),
    title: `Track ${i + 1}`,
    artist: `Artist ${Math.floor(i / 1000)}`,
    album: `Album ${Math.floor(i / 10)}`,
    trackNumber: (i % 10) + 1,
    durationSeconds: 240,
    addedAt: now,
  }));
  const chunks: LibraryItem[][] = [];
  for (let i = 0; i < rows.length; i += 500) chunks.push(rows.slice(i, i + 500));
  await mapLimit(chunks, 4, (c) => stack.deps.completion.library.putMany(c));
  log(`scale: ${rows.length} library rows written; paging`);
  const pageTimes: number[] = [];
  let maxBytes = 0;
  let next: string | undefined;
  let seen = 0;
  do {
    const t0 = performance.now();
    const res = await client.library(user, `?limit=1000${next ? `&next=${next}` : ''}`);
    pageTimes.push(performance.now() - t0);
    maxBytes = Math.max(maxBytes, JSON.stringify(res.body).length);
    seen += res.body.items.length;
    next = res.body.next;
  } while (next);
  if (seen !== rows.length) throw new Error(`library pages held ${seen} of ${rows.length} items`);
  const idTimes: number[] = [];
  let ids = 0;
  const c0 = performance.now();
  next = undefined;
  do {
    const t0 = performance.now();
    const res = await client.contentIds(user, next ? `?next=${next}` : '');
    idTimes.push(performance.now() - t0);
    ids += res.body.contentIds.length;
    next = res.body.next;
  } while (next);
  if (ids !== rows.length) throw new Error(`content-ids pages held ${ids} of ${rows.length} ids`);
  return {
    items: rows.length,
    page: { ...latency(pageTimes), maxBytes },
    contentIds: { ...latency(idTimes), pages: idTimes.length, totalMs: performance.now() - c0, ids },
  };
}

async function allTracks(client: StoreClient, cookie: string) {
  const tracks: SessionStatus['tracks'][number][] = [];
  let next: string | undefined;
  do {
    const res = await client.session(cookie, next ? `?next=${next}` : '');
    tracks.push(...res.body.tracks);
    next = res.body.next;
  } while (next);
  return tracks;
}

function deliveries(events: { body: Record<string, unknown> }[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const e of events) m.set(Number(e.body.serviceTrackId), (m.get(Number(e.body.serviceTrackId)) ?? 0) + 1);
  return m;
}

/** Why a track was told twice shows in the gap: a lease running out is its length, a race is ~0. */
function repeatGaps(events: { body: Record<string, unknown>; receivedAt: number }[]): { p50: number; max: number } {
  const firstAt = new Map<number, number>();
  const gaps: number[] = [];
  for (const e of [...events].sort((a, b) => a.receivedAt - b.receivedAt)) {
    const id = Number(e.body.serviceTrackId);
    const first = firstAt.get(id);
    if (first === undefined) firstAt.set(id, e.receivedAt);
    else if (first >= 0) {
      gaps.push((e.receivedAt - first) / 1000);
      firstAt.set(id, -1);
    }
  }
  const l = latency(gaps);
  return { p50: l.p50Ms, max: l.maxMs };
}

export function latency(ms: number[]): Latency {
  const sorted = [...ms].sort((a, b) => a - b);
  return { count: ms.length, p50Ms: sorted[Math.floor(sorted.length / 2)] ?? 0, maxMs: sorted.at(-1) ?? 0 };
}
