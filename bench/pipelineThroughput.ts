import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mapLimit } from '../functions/core/mapLimit.js';
import { registerStore } from '../functions/service/admin/registerStore.js';
import { type FakeStore, startFakeStore } from '../testkit/fakeStore.js';
import { StoreClient } from '../testkit/storeClient.js';
import { makeMp3 } from '../testkit/taggedAudio.js';
import { type BenchStack, type HandlerTimings, startBenchStack } from './benchStack.js';
import { withEmulators } from './emulatorProcesses.js';
import { difference, type Tallies } from './requestCounter.js';

export type SourceKind = 's3' | 'https';

export interface Invocations {
  readonly count: number;
  /** Sum of the invocations' durations, each rounded up to 1 ms as Lambda bills them. */
  readonly billedMs: number;
  readonly p50Ms: number;
}

export interface PipelineRun {
  readonly source: SourceKind;
  readonly tracks: number;
  /** From the first DownloadTrack batch call to the last DownloadTrackComplete callback. */
  readonly seconds: number;
  readonly tracksPerSecond: number;
  /** Tracks that did not end with S_OK (should be 0). */
  readonly notOk: number;
  /** Callback attempts the fake store did not acknowledge (retried later), by reason. */
  readonly callbackFailures: Record<string, number>;
  readonly batchCalls: number;
  readonly invocations: { readonly api: Invocations; readonly worker: Invocations; readonly completion: Invocations };
  /** AWS requests made by trackdrop's code and by the event-source stand-in, for all `tracks`. */
  readonly requests: { readonly code: Tallies; readonly eventSource: Tallies };
  /** Opening the session (and its Download event), counted apart: per session, not per track. */
  readonly session: { readonly code: Tallies; readonly eventSource: Tallies };
}

const SOURCE_BUCKET = 'bench-sources';
const USER = 'bench-user';

/**
 * `tracks` small tagged MP3s end to end through the local stack with its pollers: batch
 * DownloadTrack calls (100 per call) → worker → completion → signed callback to a fake store.
 * Sources either in an S3 bucket (uploaded with a SHA-256 checksum, as a store would) or on
 * the fake store's HTTP origin. Emulators in their own processes, fresh for each run.
 */
export async function pipelineRun(source: SourceKind, tracks: number, timeoutMs: number): Promise<PipelineRun> {
  return withEmulators({}, async (emulators) => {
    const stack = await startBenchStack({ endpoints: emulators.endpoints, pollers: true });
    const store = await startFakeStore();
    try {
      const reg = await registerStore(stack.stores, {
        storeId: 'bench-store',
        callbackUrl: store.callbackUrl,
        allowOrigins: [store.originUrl, `s3://${SOURCE_BUCKET}`],
      });
      store.secret = reg.signingSecret;
      const client = new StoreClient(stack.api.url, reg.apiKey);
      const bodies = await prepareSources(stack, store, source, tracks);
      await mapLimit(bodies, 16, (t) =>
        stack.deps.api.licenses.put({
          userId: USER,
          storeId: 'bench-store',
          serviceTrackId: t.id,
          licenseId: `lic-${t.id}`,
          updatedAt: new Date().toISOString(),
        }),
      );
      await stack.settle(0);

      // The session and its Download event, counted on their own.
      const marks = () => ({ code: stack.counter.snapshot(), eventSource: stack.eventSourceCounter.snapshot() });
      const m0 = marks();
      const opened = await client.openSession(USER, [
        { id: 'bench', type: 'album', contentIds: bodies.map((b) => b.id) },
      ]);
      if (opened.status !== 201) throw new Error(`openSession answered ${opened.status}`);
      const cookie = opened.body.cookie;
      await waitFor(() => store.events.some((e) => e.body.event === 'Download'), timeoutMs, 'the Download event');
      await stack.settle();
      const m1 = marks();
      stack.takeTimings();

      const startedAt = Date.now();
      let batchCalls = 0;
      for (let i = 0; i < bodies.length; i += 100) {
        const batch = bodies
          .slice(i, i + 100)
          .map((t) => ({ trackUrl: t.url, serviceTrackId: t.id, downloadParams: `order=${t.id}`, hrDownload: 0 }));
        const res = await client.downloadTracks(cookie, batch);
        batchCalls += 1;
        const queued = res.body.results?.filter((r) => r.state === 'queued').length ?? 0;
        if (res.status !== 200 || queued !== batch.length)
          throw new Error(`batch DownloadTrack answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      }
      const completes = () => store.events.filter((e) => e.body.event === 'DownloadTrackComplete');
      // Distinct tracks: a callback the store saw twice (a retry) must not end the wait early.
      const done = () => new Set(completes().map((e) => e.body.serviceTrackId)).size;
      await waitFor(
        () => done() >= tracks,
        timeoutMs,
        `${tracks} DownloadTrackComplete callbacks`,
        () => `${done()} so far`,
      );
      const lastAt = Math.max(...completes().map((e) => e.receivedAt));
      const seconds = Math.max((lastAt - startedAt) / 1000, 0.001);
      await stack.settle();
      const m2 = marks();
      const timings = stack.takeTimings();
      const notOk = completes().filter((e) => e.body.hrResult !== '0x00000000' || !e.verified).length;
      return {
        source,
        tracks,
        seconds,
        tracksPerSecond: tracks / seconds,
        notOk,
        callbackFailures: { ...stack.callbackFailures },
        batchCalls,
        invocations: invocationsOf(timings),
        requests: { code: difference(m2.code, m1.code), eventSource: difference(m2.eventSource, m1.eventSource) },
        session: { code: difference(m1.code, m0.code), eventSource: difference(m1.eventSource, m0.eventSource) },
      };
    } finally {
      await stack.stop();
      await store.close();
    }
  });
}

async function prepareSources(
  stack: BenchStack,
  store: FakeStore,
  source: SourceKind,
  tracks: number,
): Promise<{ id: number; url: string }[]> {
  const files = Array.from({ length: tracks }, (_, i) => {
    const id = 10_000 + i;
    const body = makeMp3(
      {
        title: `Track ${i + 1}`,
        artist: 'Bench Artist',
        album: `Album ${Math.floor(i / 100) + 1}`,
        trackNumber: (i % 100) + 1,
      },
      0.2,
    );
    return { id, name: `${Math.floor(i / 100) + 1}/${id}.mp3`, body };
  });
  if (source === 'https') return files.map((f) => ({ id: f.id, url: store.addFile(f.name, f.body) }));
  const s3 = stack.clients.s3;
  await s3.send(new CreateBucketCommand({ Bucket: SOURCE_BUCKET }));
  await mapLimit(files, 16, (f) =>
    s3.send(
      new PutObjectCommand({
        Bucket: SOURCE_BUCKET,
        Key: `catalog/${f.name}`,
        Body: f.body,
        ContentType: 'audio/mpeg',
        ChecksumAlgorithm: 'SHA256',
      }),
    ),
  );
  return files.map((f) => ({ id: f.id, url: `s3://${SOURCE_BUCKET}/catalog/${f.name}` }));
}

function invocationsOf(t: HandlerTimings): PipelineRun['invocations'] {
  const of = (ms: number[]): Invocations => ({
    count: ms.length,
    billedMs: ms.reduce((s, x) => s + Math.ceil(x), 0),
    p50Ms: median(ms),
  });
  return { api: of(t.api), worker: of(t.worker), completion: of(t.completion) };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string, progress?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${progress ? ` (${progress()})` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
