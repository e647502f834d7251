import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createClients } from '../../functions/adapters/clients.js';
import { mapLimit } from '../../functions/core/mapLimit.js';
import { redriveDlq } from '../../functions/service/admin/redriveDlq.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { defaultSettings, type TrackdropSettings } from '../../functions/settings.js';
import { localCredentials, localRegion } from '../../infra/local/emulators.js';
import { startLocalStack } from '../../infra/local/localStack.js';
import { startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { type Audit, audit } from './audit.js';
import { type AwsFaultRule, AwsFaults, OriginFaults, storeOutage } from './faults.js';
import { type ChaosPlan, hostileKinds, makePlan } from './plan.js';
import { prng, randomSeed } from './prng.js';
import { waitUntilQuiet, waitUntilSettled } from './settle.js';
import { ChaosStore, sessionsOf } from './storeSide.js';
import { type FaultCounts, mustBeZero, type TallyRow, tallyRows } from './tally.js';

export interface ChaosOptions {
  /** Tracks to send (default 300; 40 with `quick`). */
  readonly tracks?: number;
  /** PRNG seed; a random one (printed) when absent. */
  readonly seed?: number;
  /** A small, fast run. */
  readonly quick?: boolean;
  /** How long faults are injected before the system is left to recover, in seconds. */
  readonly chaosSeconds?: number;
  /** Give up waiting for tracks to settle after this many seconds (per phase). */
  readonly deadlineSeconds?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosResult {
  readonly seed: number;
  readonly tracksSent: number;
  readonly faults: FaultCounts;
  readonly audit: Audit;
  readonly rows: TallyRow[];
  /** Must-be-0 figures that are not 0, with their problems. */
  readonly failures: { figure: string; problems: readonly string[] }[];
  readonly ok: boolean;
  readonly seconds: number;
}

/** Small backoffs, a short lease and a short origin timeout, so every retry happens within seconds. */
export function chaosSettings(): TrackdropSettings {
  return {
    ...defaultSettings,
    downloads: { ...defaultSettings.downloads, maxReceiveCount: 4 },
    limits: { ...defaultSettings.limits, originTimeoutSeconds: 2 },
    callbacks: { ...defaultSettings.callbacks, baseBackoffSeconds: 1, maxBackoffSeconds: 4 },
    // Seconds, not minutes: a failed attempt's track is received again within the run (the
    // stack's short lease does the same for a killed one).
    downloadLease: { ...defaultSettings.downloadLease, retryBaseSeconds: 1, retryMaxSeconds: 2 },
  };
}

const SOURCE_BUCKET = 'chaos-sources';
const STORE_ID = 'chaos-store';

/**
 * A whole chaos run: a local stack and a fake store; licenses, sessions and DownloadTrack
 * batches sent while S3 and DynamoDB throttle, the origin fails, checksums lie, a session is
 * cancelled and the store's endpoint goes down; then a wait until every track is settled, a
 * DLQ redrive and another wait, and an audit of files, library rows and callbacks.
 */
export async function runChaos(opts: ChaosOptions = {}): Promise<ChaosResult> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const seed = opts.seed ?? randomSeed();
  const rng = prng(seed);
  const trackCount = opts.tracks ?? (opts.quick ? 40 : 300);
  const plan: ChaosPlan = makePlan(rng, { tracks: trackCount, spanMs: Math.max(3000, trackCount * 30) });
  log(`chaos run: seed ${seed}, ${trackCount} tracks in ${plan.sessions.length} sessions`);

  const settings = chaosSettings();
  const stack = await startLocalStack({ settings, leaseSeconds: 2, logLevel: 'SILENT' });
  const { leaseSeconds, retryBaseSeconds, retryMaxSeconds } = stack.settings.downloadLease;
  log(
    `downloads lease shortened to ${leaseSeconds} s (deployed: ${defaultSettings.downloadLease.leaseSeconds} s), ` +
      `retry waits to ${retryBaseSeconds}–${retryMaxSeconds} s`,
  );
  const store = await startFakeStore();
  // A slow-drip origin sends a byte every half second: far under the minimum rate.
  store.dripIntervalMs = 500;
  const auditor = createClients(
    {},
    { region: localRegion, credentials: localCredentials, endpoints: stack.emulators.endpoints },
  );
  const awsFaults = new AwsFaults(rng.next).attach(stack.functionClients);
  const originFaults = new OriginFaults(store);
  const timers: NodeJS.Timeout[] = [];
  try {
    // The store's files: s3:// ones in its own bucket (with a SHA-256 checksum, as a store
    // uploads them), http:// ones on its origin.
    await auditor.s3.send(new CreateBucketCommand({ Bucket: SOURCE_BUCKET }));
    await mapLimit(
      plan.tracks.filter((t) => t.source === 's3'),
      8,
      (t) =>
        auditor.s3.send(
          new PutObjectCommand({
            Bucket: SOURCE_BUCKET,
            Key: t.name,
            Body: t.body,
            ContentType: 'audio/mpeg',
            ChecksumAlgorithm: 'SHA256',
          }),
        ),
    );
    const urls = new Map<number, string>();
    for (const t of plan.tracks)
      urls.set(t.serviceTrackId, t.source === 's3' ? `s3://${SOURCE_BUCKET}/${t.name}` : store.addFile(t.name, t.body));
    const reg = await registerStore(stack.stores, {
      storeId: STORE_ID,
      callbackUrl: store.callbackUrl,
      allowOrigins: [store.originUrl, `s3://${SOURCE_BUCKET}`],
    });
    store.secret = reg.signingSecret;
    const chaosStore = new ChaosStore(new StoreClient(stack.api.url, reg.apiKey));

    // Faults: throttling always a little, in storms a lot; origin faults for their hits; one outage.
    const throttle = (p: number): AwsFaultRule[] => [
      { service: 's3', kind: 'SlowDown', probability: p },
      { service: 'dynamodb', kind: 'ProvisionedThroughputExceeded', probability: p / 2 },
      { service: 'dynamodb', kind: 'Throttling', probability: p / 2 },
    ];
    for (const r of throttle(plan.throttle.base)) awsFaults.add(r);
    // However the draw falls, at least one failure reaches trackdrop's code: a request the SDK
    // does not retry (concurrent requests share a throttling rule's firings, so forcing a run
    // of three on one request is not possible).
    awsFaults.add({ service: 's3', kind: 'kill', commands: ['GetObjectCommand'], times: 1 });
    // And at least one S3 503, whatever the draw: a small run makes few S3 requests, and at 4 %
    // a run with none at all is possible (it happened once).
    awsFaults.add({ service: 's3', kind: 'SlowDown', commands: ['GetObjectCommand'], times: 1 });
    for (const t of plan.tracks) if (t.originFault) originFaults.set(t.name, t.originFault.kind, t.originFault.hits);

    // The store: licenses first (a few deliberately missing), then sessions and batches.
    log(`${elapsed()} predelivering licenses`);
    await chaosStore.predeliverLicenses(plan.tracks);
    log(`${elapsed()} opening ${plan.sessions.length} sessions and sending ${trackCount} tracks`);
    // Storms and the outage are timed from here, when the worker and completion start working.
    for (const storm of plan.throttle.storms) {
      timers.push(
        setTimeout(() => {
          const handles = throttle(plan.throttle.storm).map((r) => awsFaults.add(r));
          timers.push(
            setTimeout(() => {
              for (const h of handles) h.remove();
            }, storm.ms),
          );
        }, storm.atMs),
      );
    }
    let outage: ReturnType<typeof storeOutage> | undefined;
    let outageStarted = 0;
    // At the planned moment, or once a quarter of the tracks' callbacks were tried if that comes
    // first: a machine fast enough to tell every track before the planned moment still sees it.
    const sendingSince = Date.now();
    const outageWatch = setInterval(() => {
      const due = Date.now() - sendingSince >= plan.outage.atMs || store.attempts.length >= trackCount / 4;
      if (!due || outage) return;
      clearInterval(outageWatch);
      outageStarted = Date.now();
      outage = storeOutage(store, plan.outage.seconds);
      log(`${elapsed()} the store's callback endpoint is down for ${plan.outage.seconds} s`);
    }, 25);
    timers.push(outageWatch);
    const perSession = sessionsOf(plan);
    const cookies: string[] = new Array(plan.sessions.length);
    const cancelled = new Set<number>();
    const cancels: Promise<void>[] = [];
    await mapLimit(plan.sessions, 4, async (s) => {
      const i = plan.sessions.indexOf(s);
      cookies[i] = await chaosStore.openSession(s.userId);
      await chaosStore.sendTracks(cookies[i]!, perSession[i]!, (t) => urls.get(t.serviceTrackId)!);
      if (s.cancelAfterMs !== undefined) {
        cancels.push(
          new Promise<void>((r) => setTimeout(r, s.cancelAfterMs)).then(async () => {
            await chaosStore.cancel(cookies[i]!);
            cancelled.add(i);
          }),
        );
      }
    });
    await Promise.all(cancels);
    log(`${elapsed()} all sent (${chaosStore.retried} API 5xx retried); waiting for every track to settle`);

    const sessions = cookies.map((cookie, i) => ({ cookie, tracks: perSession[i]!.length }));
    let lastLog = 0;
    const onProgress = (unsettled: number) => {
      if (Date.now() - lastLog < 3000) return;
      lastLog = Date.now();
      log(`${elapsed()} ${trackCount - unsettled}/${trackCount} settled`);
    };
    const chaosUntil = Date.now() + (opts.chaosSeconds ?? (opts.quick || trackCount <= 60 ? 12 : 40)) * 1000;
    await waitUntilSettled({ stack, clients: auditor, sessions, until: chaosUntil, onProgress });
    // The chaos ends: no more throttling; the outage and origin faults run out on their own.
    awsFaults.clear();
    timers.forEach(clearTimeout);
    outage?.cancel();
    const storeDownSeconds = outageStarted
      ? Math.min(plan.outage.seconds, Math.round((Date.now() - outageStarted) / 1000))
      : 0;
    const deadline = (opts.deadlineSeconds ?? (opts.quick || trackCount <= 60 ? 45 : 180)) * 1000;
    const lostBeforeRedrive = await waitUntilSettled({
      stack,
      clients: auditor,
      sessions,
      until: Date.now() + deadline,
      onProgress,
    });

    // What sits in a dead-letter queue goes back, as `trackdrop dlq redrive` would do it.
    const redriven = { downloads: 0, completions: 0 };
    const q = stack.provisioned.queues;
    for (let round = 0; round < 3; round++) {
      const d = await redriveDlq(auditor.sqs, q.downloads.dlqUrl, q.downloads.url);
      const c = await redriveDlq(auditor.sqs, q.completions.dlqUrl, q.completions.url);
      redriven.downloads += d.moved;
      redriven.completions += c.moved;
      for (const f of [...d.failed, ...c.failed]) log(`${elapsed()} kept in a DLQ (its send failed): ${f}`);
      if (d.moved + c.moved === 0) break;
      log(`${elapsed()} redrove ${d.moved} download and ${c.moved} completion message(s) from the DLQs`);
      await waitUntilSettled({ stack, clients: auditor, sessions, until: Date.now() + deadline, onProgress });
    }
    await waitUntilQuiet(stack, auditor, 10_000);
    await Promise.all(Object.values(stack.pollers).map((p) => p.stop()));

    log(`${elapsed()} auditing files, library rows and callbacks`);
    const result = await audit({ clients: auditor, names: stack.provisioned.names, plan, cookies, cancelled, store });
    const faults: FaultCounts = {
      s3SlowDown: awsFaults.injected.SlowDown,
      dynamoProvisionedThroughput: awsFaults.injected.ProvisionedThroughputExceeded,
      dynamoThrottling: awsFaults.injected.Throttling,
      retriesExhausted: awsFaults.surfaced,
      origin500: originFaults.injected.status500,
      originTruncate: originFaults.injected.truncate,
      originStall: originFaults.injected.stall,
      hostile: Object.fromEntries(
        hostileKinds.map((k) => [k, plan.tracks.filter((t) => t.hostile === k).length]),
      ) as FaultCounts['hostile'],
      wrongChecksum: plan.tracks.filter((t) => t.wrongChecksum && t.licensed && !t.declinedWith).length,
      missingLicense: plan.tracks.filter((t) => !t.licensed && !t.declinedWith).length,
      declined: plan.tracks.filter((t) => t.declinedWith).length,
      cancelledSessions: cancelled.size,
      storeDownSeconds,
      api5xxRetried: chaosStore.retried,
      api429WaitedOut: chaosStore.rateLimited,
    };
    const tally = {
      tracksSent: trackCount,
      faults,
      audit: result,
      lostBeforeRedrive,
      redriven,
      apiRefused: chaosStore.refused.length,
    };
    const failures = mustBeZero(tally).filter((m) => m.problems.length > 0);
    return {
      seed,
      tracksSent: trackCount,
      faults,
      audit: result,
      rows: tallyRows(tally),
      failures,
      ok: failures.length === 0,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    timers.forEach(clearTimeout);
    awsFaults.clear();
    originFaults.stop();
    auditor.s3.destroy();
    auditor.sqs.destroy();
    auditor.dynamodb.destroy();
    await stack.stop();
    await store.close();
  }
}
