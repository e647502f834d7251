import type { ApiResult } from './apiThroughput.js';
import type { ColdStartResult, FunctionName } from './coldStart.js';
import type { CopyResult } from './copyThroughput.js';
import type { CapacityModeModel, CostModel, StorageModel } from './costModel.js';
import type { EmulatorFloor } from './emulatorFloor.js';
import type { NoisyResult } from './noisyNeighbour.js';
import type { PipelineRun } from './pipelineThroughput.js';
import type { RunRequests } from './requestCounts.js';
import type { ScaleResult } from './scaleRun.js';
import { targets } from './targets.js';

export interface SectionError {
  readonly error: string;
}

export interface PipelineSection {
  readonly tracks: number;
  readonly floor: EmulatorFloor;
  readonly s3: PipelineRun;
  readonly https: PipelineRun;
}

export interface RequestsSection {
  readonly s3: RunRequests;
  readonly https: RunRequests;
  readonly baseline: {
    readonly label: string;
    readonly code: Record<string, number>;
    readonly codeTotal: number;
    readonly eventSource: Record<string, number>;
    readonly eventSourceTotal: number;
  };
  readonly target: { readonly s3RequestsPerTrack: number; readonly met: boolean };
  /** Where a figure depends on the emulators rather than on trackdrop. */
  readonly notes: readonly string[];
}

export interface CostSection {
  readonly prices: unknown;
  readonly s3: CostModel;
  readonly https: CostModel;
  readonly baseline: CostModel & { readonly label: string; readonly publishedUsdPerMillion: number };
  readonly target: { readonly s3UsdPerMillionTracks: number; readonly met: boolean };
  /** Monthly storage of a million 8 MB tracks, Standard beside Intelligent-Tiering. */
  readonly storage: StorageModel;
  /** DynamoDB at a steady 1,000 tracks/s with the S3 path's measured units, both capacity modes. */
  readonly capacity: CapacityModeModel;
}

export interface Sections {
  api?: ApiResult | SectionError;
  pipeline?: PipelineSection | SectionError;
  requests?: RequestsSection | SectionError;
  cost?: CostSection | SectionError;
  copy?: CopyResult | SectionError;
  coldStart?: ColdStartResult | SectionError;
  scale?: ScaleResult | SectionError;
  noisy?: NoisyResult | SectionError;
}

export interface Row {
  section: string;
  figure: string;
  trackdrop: string;
  baseline: string;
  'vs baseline': string;
  'baseline is': string;
  target: string;
  met: string;
}

const isError = (x: unknown): x is SectionError => typeof x === 'object' && x !== null && 'error' in x;

/** The one table: every figure beside its baseline and, where there is one, its target. */
export function rows(s: Sections): Row[] {
  const out: Row[] = [];
  const add = (
    section: string,
    figure: string,
    value: number,
    baseline: number | undefined,
    baselineIs: string,
    digits: number,
    target?: { text: string; met: boolean },
    compare: 'ratio' | 'difference' = 'ratio',
  ) =>
    out.push({
      section,
      figure,
      trackdrop: num(value, digits),
      baseline: baseline === undefined ? '' : num(baseline, digits),
      'vs baseline':
        baseline === undefined
          ? ''
          : compare === 'difference'
            ? `${value >= baseline ? '+' : ''}${num(value - baseline, digits)}`
            : baseline
              ? `${(value / baseline).toFixed(2)}×`
              : '',
      'baseline is': baselineIs,
      target: target?.text ?? '',
      met: target ? (target.met ? 'yes' : 'NO') : '',
    });
  const failed = (section: string, err: SectionError) =>
    out.push({
      section,
      figure: `failed: ${err.error.split('\n')[0]!.slice(0, 100)}`,
      trackdrop: '',
      baseline: '',
      'vs baseline': '',
      'baseline is': '',
      target: '',
      met: 'NO',
    });

  if (s.api) {
    if (isError(s.api)) failed('api', s.api);
    else {
      const a = s.api;
      const b = `no-op 202 handler, same adapter (${a.connections} conns, ${a.durationSeconds} s)`;
      add('api', 'DownloadTrack requests/s', a.downloadTrack.requestsPerSecond, a.noopBaseline.requestsPerSecond, b, 0);
      add('api', 'DownloadTrack p50 latency, ms', a.downloadTrack.p50Ms, a.noopBaseline.p50Ms, b, 1);
      add('api', 'DownloadTrack p99 latency, ms', a.downloadTrack.p99Ms, a.noopBaseline.p99Ms, b, 1);
    }
  }
  if (s.pipeline) {
    if (isError(s.pipeline)) failed('pipeline', s.pipeline);
    else {
      const p = s.pipeline;
      const b = `emulator floor: ${p.floor.roundTrips} bare SQS send+receive+delete round trips/s, ${p.floor.inFlight} in flight`;
      add(
        'pipeline',
        `S3 source, tracks/s (${p.s3.tracks} tracks, batch route)`,
        p.s3.tracksPerSecond,
        p.floor.roundTripsPerSecond,
        b,
        1,
      );
      add(
        'pipeline',
        `HTTPS source, tracks/s (${p.https.tracks} tracks, batch route)`,
        p.https.tracksPerSecond,
        p.floor.roundTripsPerSecond,
        b,
        1,
      );
    }
  }
  if (s.requests) {
    if (isError(s.requests)) failed('requests', s.requests);
    else {
      const r = s.requests;
      const b = r.baseline.label;
      const split = (x: { dynamodb: number; sqs: number; s3: number }) =>
        `${num(x.dynamodb, 2)} DynamoDB + ${num(x.sqs, 2)} SQS + ${num(x.s3, 2)} S3`;
      const byService = (ops: Record<string, number>) => {
        const sum = { dynamodb: 0, sqs: 0, s3: 0 };
        for (const [key, n] of Object.entries(ops)) sum[key.split(':')[0] as keyof typeof sum] += n;
        return sum;
      };
      const ideal = split(byService(r.baseline.code));
      add('requests', 'S3 source: AWS requests/track, our code', r.s3.code.total, r.baseline.codeTotal, b, 2, {
        text: `≤ ${targets.requestsPerTrackS3}`,
        met: r.target.met,
      });
      out.push({ ...blank('requests'), figure: '  of which', trackdrop: split(r.s3.code.byService), baseline: ideal });
      add(
        'requests',
        'S3 source: SQS requests/track by the event source',
        r.s3.eventSource.total,
        r.baseline.eventSourceTotal,
        b,
        2,
      );
      add('requests', 'HTTPS source: AWS requests/track, our code', r.https.code.total, r.baseline.codeTotal, b, 2);
      out.push({
        ...blank('requests'),
        figure: '  of which',
        trackdrop: split(r.https.code.byService),
        baseline: ideal,
      });
      add(
        'requests',
        'HTTPS source: SQS requests/track by the event source',
        r.https.eventSource.total,
        r.baseline.eventSourceTotal,
        b,
        2,
      );
    }
  }
  if (s.cost) {
    if (isError(s.cost)) failed('cost', s.cost);
    else {
      const c = s.cost;
      add(
        'cost',
        'S3 source: $ per million tracks',
        c.s3.usdPerMillionTracks,
        c.baseline.usdPerMillionTracks,
        c.baseline.label,
        2,
        { text: `≤ $${targets.usdPerMillionTracksS3}`, met: c.target.met },
      );
      add(
        'cost',
        'HTTPS source: $ per million tracks',
        c.https.usdPerMillionTracks,
        c.baseline.usdPerMillionTracks,
        c.baseline.label,
        2,
      );
      add(
        'cost',
        `storage, a million 8 MB tracks, $/month (Intelligent-Tiering, ${c.storage.intelligentTiering.mix.archiveInstant * 100} % cold)`,
        c.storage.intelligentTiering.usdPerMonth,
        c.storage.standardUsdPerMonth,
        'S3 Standard',
        2,
      );
      add(
        'cost',
        `  replaced versions kept ${c.storage.noncurrentVersions.keptDays} days, ${c.storage.noncurrentVersions.replacedPerMonth * 100} % replaced a month, $/month`,
        c.storage.noncurrentVersions.usdPerMonth,
        undefined,
        '',
        2,
      );
      add(
        'cost',
        `DynamoDB at a steady ${c.capacity.tracksPerSecond} tracks/s, $/month, provisioned at ${c.capacity.provisioned.utilisation * 100} %`,
        c.capacity.provisioned.usdPerMonth,
        c.capacity.onDemandUsdPerMonth,
        'on demand',
        0,
      );
    }
  }
  if (s.copy) {
    if (isError(s.copy)) failed('copy', s.copy);
    else {
      const c = s.copy;
      const size = c.bytes >= 1024 ** 3 ? `${c.bytes / 1024 ** 3} GiB` : `${c.bytes / 1024 ** 2} MiB`;
      const b = 'plain lib-storage Upload of the same stream, own child process';
      add(
        'copy',
        `${size} HTTP → S3, MB/s (median of ${c.trackdrop.runs.length})`,
        c.trackdrop.mbPerSecond,
        c.plainUpload.mbPerSecond,
        b,
        1,
        { text: `≥ ${targets.copySpeedRatio}× baseline`, met: c.ratio >= targets.copySpeedRatio },
      );
      add('copy', `${size} HTTP → S3, worker peak RSS, MiB`, c.trackdrop.peakRssMiB, c.plainUpload.peakRssMiB, b, 1, {
        text: `≤ ${targets.copyPeakRssMiB}`,
        met: c.trackdrop.peakRssMiB <= targets.copyPeakRssMiB,
      });
    }
  }
  if (s.coldStart) {
    if (isError(s.coldStart)) failed('coldstart', s.coldStart);
    else {
      const c = s.coldStart;
      const e = c.emptyHandler;
      const b = 'empty handler, bundled the same way';
      for (const fn of ['api', 'worker', 'completion', 'listener'] as FunctionName[]) {
        const f = c.functions[fn];
        add(
          'coldstart',
          `${fn}: bundle, kB (minified)`,
          f.bundleKB,
          e.bundleKB,
          b,
          1,
          { text: `≤ ${targets.bundleKB}`, met: f.bundleKB <= targets.bundleKB },
          'difference',
        );
        add(
          'coldstart',
          `${fn}: init, process start → imported, ms (median of ${c.runs})`,
          f.init.sinceProcessStartMs,
          e.init.sinceProcessStartMs,
          b,
          1,
          undefined,
          'difference',
        );
        add(
          'coldstart',
          `${fn}:   of which the import itself, ms`,
          f.init.importMs,
          e.init.importMs,
          b,
          1,
          undefined,
          'difference',
        );
        add(
          'coldstart',
          `${fn}:   same with --enable-source-maps (as deployed), ms`,
          f.initWithSourceMaps.sinceProcessStartMs,
          e.initWithSourceMaps.sinceProcessStartMs,
          b,
          1,
          // The budget is the init as deployed: Lambda runs the bundles with source maps on.
          { text: `≤ ${targets.initMs}`, met: f.initWithSourceMaps.sinceProcessStartMs <= targets.initMs },
          'difference',
        );
      }
    }
  }
  if (s.scale) {
    if (isError(s.scale)) failed('scale', s.scale);
    else {
      const { session: q, cancel: c, library: l } = s.scale;
      add('scale', `${q.tracks} licenses via licenses:batch, licenses/s`, q.licensesPerSecond, undefined, '', 0);
      add(
        'scale',
        `one ${q.tracks}-track session: submit, tracks/s (batches of 100, 4 in flight)`,
        q.submitTracksPerSecond,
        undefined,
        '',
        0,
      );
      add(
        'scale',
        `one ${q.tracks}-track session: drain, tracks/s (HTTPS source)`,
        q.drainTracksPerSecond,
        undefined,
        '',
        1,
      );
      add('scale', `  status page p50 / max ms (${q.statusPage.count} reads)`, q.statusPage.p50Ms, undefined, '', 1, {
        text: '< 1,000 ms',
        met: q.statusPage.maxMs < 1000,
      });
      out.push({ ...blank('scale'), figure: '    max', trackdrop: num(q.statusPage.maxMs, 1) });
      out.push({
        ...blank('scale'),
        figure: '    the api function itself, p50 / max ms',
        trackdrop: `${num(q.statusFunction.p50Ms, 1)} / ${num(q.statusFunction.maxMs, 1)}`,
      });
      out.push({
        ...blank('scale'),
        figure: `    after the drain, ms a page (${q.statusPage.pagesInWalk} pages)`,
        trackdrop: num(q.statusPage.walkMs / q.statusPage.pagesInWalk, 1),
      });
      out.push({
        ...blank('scale'),
        figure: "  the HTTP front's event loop delay while draining, p50 / p99 ms",
        trackdrop: `${num(q.loopDelayMs.p50, 0)} / ${num(q.loopDelayMs.p99, 0)}`,
      });
      add('scale', '  status page, largest, bytes', q.statusPage.maxBytes, undefined, '', 0, {
        text: '< 1 MB',
        met: q.statusPage.maxBytes < 1_000_000,
      });
      add(
        'scale',
        `  all terminal, tracks (counts agree: ${q.countsMatch ? 'yes' : 'NO'})`,
        q.terminal,
        q.tracks,
        'tracks sent',
        0,
        { text: 'all', met: q.terminal === q.tracks && q.countsMatch },
      );
      add('scale', '  DownloadTrackComplete per track', q.callbacksPerTrack, 1, 'one each', 3, {
        text: 'each exactly 1',
        met: q.tracksNotToldOnce === 0,
      });
      add('scale', `cancel ${c.tracks} queued tracks: answer, ms`, c.answerMs, undefined, '', 1, {
        text: '< 1,000 ms',
        met: c.answerMs < 1000,
      });
      add('scale', '  until the last E_ABORT callback, s', c.allToldSeconds, undefined, '', 1);
      add('scale', '  E_ABORT callbacks per track (none fetched)', c.callbacksPerTrack, 1, 'one each', 3, {
        text: 'each exactly 1',
        met: c.tracksNotToldOnce === 0 && c.fetched === 0,
      });
      add('scale', `${l.items}-item library: page of 1,000, p50 ms`, l.page.p50Ms, undefined, '', 1, {
        text: 'bounded',
        met: l.page.maxMs < 1000,
      });
      out.push({
        ...blank('scale'),
        figure: '    max ms / bytes',
        trackdrop: `${num(l.page.maxMs, 1)} / ${num(l.page.maxBytes, 0)}`,
      });
      add(
        'scale',
        `  content-ids, ${l.contentIds.pages} pages of ≤ 10,000: p50 ms`,
        l.contentIds.p50Ms,
        undefined,
        '',
        1,
        { text: 'bounded', met: l.contentIds.maxMs < 1000 },
      );
      out.push({
        ...blank('scale'),
        figure: '    max ms / all pages ms',
        trackdrop: `${num(l.contentIds.maxMs, 1)} / ${num(l.contentIds.totalMs, 1)}`,
      });
    }
  }
  if (s.noisy) {
    if (isError(s.noisy)) failed('noisy', s.noisy);
    else {
      const { alone, fair, unfair, goal } = s.noisy;
      add('noisy', `A alone: ${alone.a.tracks} tracks drained, tracks/s`, alone.a.tracksPerSecond, undefined, '', 1);
      add(
        'noisy',
        '  beside B and C, fair queues, tracks/s',
        fair.a.tracksPerSecond,
        alone.a.tracksPerSecond,
        'A alone',
        1,
        {
          text: 'within 10 %',
          met: goal.aRateVsAlone >= 0.9,
        },
      );
      if (unfair.a.tracksPerSecond)
        add(
          'noisy',
          '  beside B and C, first come first served',
          unfair.a.tracksPerSecond,
          alone.a.tracksPerSecond,
          'A alone',
          1,
        );
      const b = (p: typeof fair) => p.b ?? { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, notTold: 0 };
      add(
        'noisy',
        `B's purchase to its callback, p99 ms (${b(fair).count} bought)`,
        b(fair).p99Ms,
        b(unfair).p99Ms,
        'not fair',
        0,
        {
          text: '< 10,000',
          met: b(fair).p99Ms < 10_000 && b(fair).notTold === 0,
        },
      );
      out.push({
        ...blank('noisy'),
        figure: '    p50 / max ms, fair | not fair',
        trackdrop: `${num(b(fair).p50Ms, 0)} / ${num(b(fair).maxMs, 0)} | ${num(b(unfair).p50Ms, 0)} / ${num(b(unfair).maxMs, 0)}`,
      });
      const c = fair.c;
      if (c) {
        add('noisy', `C's callbacks (receiver ${s.noisy.sizes.slowCallbackMs} ms), p50 ms`, c.p50Ms, undefined, '', 0);
        out.push({
          ...blank('noisy'),
          figure: `    slow lane: records / invocations (≤ 2 at once, of ${s.noisy.completionConcurrency} + 2)`,
          trackdrop: `${fair.completions.slowLane.records} / ${fair.completions.slowLane.invocations}`,
        });
      }
    }
  }
  return out;
}

function blank(section: string): Row {
  return {
    section,
    figure: '',
    trackdrop: '',
    baseline: '',
    'vs baseline': '',
    'baseline is': '',
    target: '',
    met: '',
  };
}

function num(x: number, digits: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
