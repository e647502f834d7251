import { performance } from 'node:perf_hooks';
import { registerStore } from '../functions/service/admin/registerStore.js';
import { defaultSettings } from '../functions/settings.js';
import { startFakeStoreThread, type ThreadStore } from '../testkit/fakeStoreThread.js';
import { StoreClient } from '../testkit/storeClient.js';
import { makeMp3 } from '../testkit/taggedAudio.js';
import { startBenchStack } from './benchStack.js';
import { withEmulators } from './emulatorProcesses.js';
import { putAllLicenses, submitTracks, volumeFiles } from './volumeSession.js';

export interface NoisySizes {
  /** Store A's import: one session of this many tracks. */
  readonly importTracks: number;
  /** Store B buys one track this often while A's import drains. */
  readonly purchaseEveryMs: number;
  /** Store C buys one track this often, and its callback receiver takes `slowCallbackMs` to answer. */
  readonly slowPurchaseEveryMs: number;
  readonly slowCallbackMs: number;
  readonly timeoutMs: number;
}

export interface Percentiles {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface NoisyPhase {
  readonly fairQueues: boolean;
  /** A's import, from its first DownloadTrack batch to its last DownloadTrackComplete. */
  readonly a: { readonly tracks: number; readonly drainSeconds: number; readonly tracksPerSecond: number };
  /** B's purchases made during A's drain: DownloadTrack to DownloadTrackComplete. */
  readonly b?: Percentiles & {
    readonly notTold: number;
    readonly slowest: readonly { readonly atSeconds: number; readonly waitMs: number }[];
  };
  /** C's purchases, and how many of its slow callbacks were in flight at once. */
  readonly c?: Percentiles & { readonly callbacksInFlight: { readonly mean: number; readonly max: number } };
  /** The completion function's invocations on each lane: a slow store's callbacks go to the slow lane's two. */
  readonly completions: { readonly main: LaneStats; readonly slowLane: LaneStats };
}

export interface LaneStats {
  readonly invocations: number;
  readonly records: number;
}

export interface NoisyResult {
  readonly sizes: NoisySizes;
  /** Completion invocations the local event source runs at once (settings.completions.maxConcurrency). */
  readonly completionConcurrency: number;
  readonly alone: NoisyPhase;
  readonly fair: NoisyPhase;
  readonly unfair: NoisyPhase;
  /** The goal: B's p99 under 10 s with fairness, A's drain within 10 % of its rate alone. */
  readonly goal: { readonly bP99Ms: number; readonly aRateVsAlone: number; readonly met: boolean };
}

/**
 * Store A imports a session while store B buys one track a second and store C, whose callback
 * receiver is slow, buys a few: B's wait from DownloadTrack to DownloadTrackComplete during A's
 * drain, with the queues served as fair queues and without, each phase on fresh emulators, and
 * A's drain alone for its rate. Each function and store in a thread of its own, a 20 s lease.
 */
export async function noisyNeighbourRun(sizes: NoisySizes, log: (m: string) => void): Promise<NoisyResult> {
  const alone = await phase(sizes, 'alone', log);
  const fair = await phase(sizes, 'fair', log);
  const unfair = await phase(sizes, 'unfair', log);
  const aRateVsAlone = fair.a.tracksPerSecond / alone.a.tracksPerSecond;
  const bP99Ms = fair.b?.p99Ms ?? Number.POSITIVE_INFINITY;
  return {
    sizes,
    completionConcurrency: defaultSettings.completions.maxConcurrency,
    alone,
    fair,
    unfair,
    goal: { bP99Ms, aRateVsAlone, met: bP99Ms < 10_000 && aRateVsAlone >= 0.9 },
  };
}

type PhaseKind = 'alone' | 'fair' | 'unfair';

async function phase(sizes: NoisySizes, kind: PhaseKind, log: (m: string) => void): Promise<NoisyPhase> {
  return withEmulators({}, async (emulators) => {
    const stack = await startBenchStack({
      endpoints: emulators.endpoints,
      pollers: true,
      leaseSeconds: 20,
      host: { kind: 'threads' },
      fairQueues: kind !== 'unfair',
    });
    const stores: ThreadStore[] = [];
    const storeFor = async (storeId: string) => {
      const store = await startFakeStoreThread();
      stores.push(store);
      const reg = await registerStore(stack.stores, {
        storeId,
        callbackUrl: store.callbackUrl,
        allowOrigins: [store.originUrl],
      });
      store.secret = reg.signingSecret;
      return { store, client: new StoreClient(stack.api.url, reg.apiKey) };
    };
    try {
      const a = await storeFor('store-a');
      const tracks = volumeFiles(a.store, 'import', sizes.importTracks);
      await a.store.synced();
      await putAllLicenses(
        a.client,
        'importer',
        tracks.map((t) => t.id),
      );
      const cookie = (await a.client.openSession('importer')).body.cookie;
      const b = kind === 'alone' ? undefined : await storeFor('store-b');
      const c = kind === 'alone' ? undefined : await storeFor('store-c');
      if (c) c.store.callbackDelayMs = sizes.slowCallbackMs;
      let buying = true;
      const buys = [
        b && buyEvery(b, 'b', sizes.purchaseEveryMs, () => buying),
        c && buyEvery(c, 'c', sizes.slowPurchaseEveryMs, () => buying),
      ];
      log(`noisy (${kind}): ${tracks.length} tracks of store A submitted${b ? ', B and C buying' : ''}`);
      const startedAt = Date.now();
      await submitTracks(a.client, cookie, tracks);
      const told = () =>
        new Set(
          a.store.events
            .filter((e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie)
            .map((e) => e.body.serviceTrackId),
        ).size;
      const deadline = Date.now() + sizes.timeoutMs;
      let lastLog = Date.now();
      while (told() < tracks.length) {
        if (Date.now() > deadline)
          throw new Error(`noisy (${kind}): only ${told()} of ${tracks.length} of A's tracks told in time`);
        if (Date.now() - lastLog > 15_000) {
          log(`noisy (${kind}): ${told()} of ${tracks.length} of A's tracks told`);
          lastLog = Date.now();
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      const lastAt = Math.max(
        ...a.store.events
          .filter((e) => e.body.cookie === cookie && e.body.event === 'DownloadTrackComplete')
          .map((e) => e.receivedAt),
      );
      buying = false;
      const drainSeconds = (lastAt - startedAt) / 1000;
      const [bought, slow] = await Promise.all(buys.map((p) => p ?? Promise.resolve(undefined)));
      const window = { from: startedAt, to: lastAt };
      const bWaits = bought && b ? await waits(bought, b.store, window, sizes.timeoutMs) : undefined;
      const cWaits = slow && c ? await waits(slow, c.store, window, sizes.timeoutMs) : undefined;
      const lane = (p: { stats: LaneStats } | undefined): LaneStats => ({
        invocations: p?.stats.invocations ?? 0,
        records: p?.stats.records ?? 0,
      });
      const result: NoisyPhase = {
        fairQueues: kind !== 'unfair',
        completions: { main: lane(stack.pollers?.completions), slowLane: lane(stack.pollers?.slowCallbacks) },
        a: { tracks: tracks.length, drainSeconds, tracksPerSecond: tracks.length / drainSeconds },
        ...(bWaits ? { b: bWaits } : {}),
        ...(cWaits && c
          ? { c: { ...cWaits, callbacksInFlight: inFlight(c.store, sizes.slowCallbackMs, window) } }
          : {}),
      };
      log(`noisy (${kind}): ${JSON.stringify(result)}`);
      return result;
    } finally {
      await stack.stop();
      for (const s of stores) await s.close();
    }
  });
}

interface Purchase {
  readonly cookie: string;
  readonly id: number;
  readonly sentAt: number;
}

/** One purchase every `everyMs` (each a license, a session and a DownloadTrack) until `going` says stop. */
async function buyEvery(
  buyer: { store: ThreadStore; client: StoreClient },
  name: string,
  everyMs: number,
  going: () => boolean,
): Promise<Purchase[]> {
  const made: Promise<Purchase | undefined>[] = [];
  for (let id = 1; going(); id++) {
    const next = performance.now() + everyMs;
    made.push(
      (async () => {
        const user = `${name}-listener`;
        const url = buyer.store.addFile(
          `buy/${id}.mp3`,
          makeMp3({ title: `Bought ${id}`, artist: name, album: 'Shop' }, 0.05),
        );
        await buyer.store.synced();
        await buyer.client.putLicense(user, id);
        const cookie = (await buyer.client.openSession(user)).body.cookie;
        const sentAt = Date.now();
        const res = await buyer.client.downloadTrack(cookie, {
          trackUrl: url,
          serviceTrackId: id,
          downloadParams: '',
          hrDownload: 0,
        });
        return res.status === 202 ? { cookie, id, sentAt } : undefined;
      })(),
    );
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  return (await Promise.all(made)).filter((p): p is Purchase => p !== undefined);
}

/** The purchases sent during A's drain: how long each waited for its DownloadTrackComplete (waiting for the late ones). */
async function waits(
  purchases: readonly Purchase[],
  store: ThreadStore,
  window: { from: number; to: number },
  timeoutMs: number,
): Promise<Percentiles & { notTold: number; slowest: { atSeconds: number; waitMs: number }[] }> {
  const during = purchases.filter((p) => p.sentAt >= window.from && p.sentAt <= window.to);
  const toldAt = () => {
    const at = new Map<string, number>();
    for (const e of store.events)
      if (e.body.event === 'DownloadTrackComplete') at.set(String(e.body.cookie), e.receivedAt);
    return at;
  };
  const deadline = Date.now() + Math.min(timeoutMs, 120_000);
  while (during.some((p) => !toldAt().has(p.cookie)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 500));
  const at = toldAt();
  const told = during.flatMap((p) => {
    const t = at.get(p.cookie);
    return t === undefined ? [] : [{ atSeconds: (p.sentAt - window.from) / 1000, waitMs: t - p.sentAt }];
  });
  // The slowest five, with when in A's drain they were bought: where a tail comes from.
  const slowest = [...told].sort((x, y) => y.waitMs - x.waitMs).slice(0, 5);
  return { ...percentiles(told.map((t) => t.waitMs)), notTold: during.length - told.length, slowest };
}

/** A slow receiver's callbacks in flight over the window, from when each was taken and how long it was held. */
function inFlight(store: ThreadStore, heldMs: number, window: { from: number; to: number }) {
  const spans = store.events.map((e) => ({ from: e.receivedAt - heldMs, to: e.receivedAt }));
  let max = 0;
  let sum = 0;
  let samples = 0;
  for (let t = window.from; t <= window.to; t += 250) {
    const n = spans.filter((s) => s.from <= t && t < s.to).length;
    max = Math.max(max, n);
    sum += n;
    samples += 1;
  }
  return { mean: samples ? sum / samples : 0, max };
}

function percentiles(ms: readonly number[]): Percentiles {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
}
