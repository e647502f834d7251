/**
 * `npm run bench`: trackdrop's figures beside their baselines, as one table, and as JSON in
 * bench/results/<date>.json and bench/results/latest.json.
 *
 *   --quick         the scaled-down run the test suite uses: tiny sizes, same code paths
 *   --only <name>   one section: api, pipeline (with requests and cost), copy, coldstart, scale, noisy
 *   --out <dir>     write the JSON there instead of bench/results
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { defaultSettings } from '../functions/settings.js';
import { table } from '../tooling/render.js';
import { apiThroughput } from './apiThroughput.js';
import { coldStart } from './coldStart.js';
import { copyThroughput } from './copyThroughput.js';
import {
  capacityModeModel,
  costModel,
  idealDesign,
  idealRequestsPerTrack,
  inputsFromRun,
  prices,
  storageModel,
} from './costModel.js';
import { emulatorFloor } from './emulatorFloor.js';
import { codeVersion, machine } from './machine.js';
import { noisyNeighbourRun } from './noisyNeighbour.js';
import { pipelineRun } from './pipelineThroughput.js';
import { type PipelineSection, rows, type Sections } from './report.js';
import { runRequests } from './requestCounts.js';
import { scaleRun } from './scaleRun.js';
import { targets } from './targets.js';
import { writeUnitsTable } from './unitsTable.js';

const SECTIONS = ['api', 'pipeline', 'copy', 'coldstart', 'scale', 'noisy'] as const;
type SectionName = (typeof SECTIONS)[number];
const ALIASES: Record<string, SectionName> = {
  requests: 'pipeline',
  cost: 'pipeline',
  'cold-start': 'coldstart',
  'noisy-neighbour': 'noisy',
  coldStart: 'coldstart',
};

const sizes = {
  full: {
    api: { connections: 10, durationSeconds: 5, warmupSeconds: 1 },
    tracks: 1000,
    pipelineTimeoutMs: 600_000,
    copy: { bytes: 1024 ** 3, runs: 3 },
    coldRuns: 7,
    scale: { sessionTracks: 50_000, cancelTracks: 10_000, libraryItems: 50_000, timeoutMs: 2_700_000 },
    noisy: {
      importTracks: 20_000,
      purchaseEveryMs: 1000,
      slowPurchaseEveryMs: 1000,
      slowCallbackMs: 3000,
      timeoutMs: 1_200_000,
    },
  },
  quick: {
    api: { connections: 10, durationSeconds: 1, warmupSeconds: 0 },
    tracks: 20,
    pipelineTimeoutMs: 60_000,
    copy: { bytes: 16 * 1024 ** 2, runs: 1 },
    coldRuns: 3,
    scale: { sessionTracks: 300, cancelTracks: 200, libraryItems: 2_500, timeoutMs: 120_000 },
    noisy: {
      importTracks: 300,
      purchaseEveryMs: 1000,
      slowPurchaseEveryMs: 1000,
      slowCallbackMs: 3000,
      timeoutMs: 120_000,
    },
  },
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      'session-tracks': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'npm run bench [-- --quick] [--only api|pipeline|requests|cost|copy|coldstart|scale|noisy] [--session-tracks <n>] [--out <dir>]\n',
    );
    return 0;
  }
  const only = values.only === undefined ? undefined : (ALIASES[values.only] ?? values.only);
  if (only !== undefined && !SECTIONS.includes(only as SectionName)) {
    process.stderr.write(
      `unknown section "${values.only}"; one of: api, pipeline, requests, cost, copy, coldstart, scale, noisy\n`,
    );
    return 2;
  }
  const want = (name: SectionName) => only === undefined || only === name;
  const size = values.quick ? sizes.quick : sizes.full;
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const code = codeVersion();
  const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
  const sections: Sections = {};
  const seconds: Record<string, number> = {};
  const section = async <T>(name: string, what: string, fn: () => Promise<T>): Promise<T | { error: string }> => {
    log(what);
    const t0 = performance.now();
    try {
      return await fn();
    } catch (err) {
      log(`${name} failed: ${(err as Error).stack ?? String(err)}`);
      return { error: (err as Error).message ?? String(err) };
    } finally {
      seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
    }
  };

  if (want('api')) {
    sections.api = await section(
      'api',
      `api: DownloadTrack vs a no-op handler, ${size.api.connections} connections × ${size.api.durationSeconds} s each`,
      () => apiThroughput(size.api),
    );
  }
  if (want('pipeline')) {
    const pipeline = await section(
      'pipeline',
      `pipeline: ${size.tracks} tracks from S3, ${size.tracks} over HTTPS, and the emulator floor`,
      async (): Promise<PipelineSection> => {
        const floor = await emulatorFloor(size.tracks);
        const s3 = await pipelineRun('s3', size.tracks, size.pipelineTimeoutMs);
        const https = await pipelineRun('https', size.tracks, size.pipelineTimeoutMs);
        return { tracks: size.tracks, floor, s3, https };
      },
    );
    sections.pipeline = pipeline;
    if ('error' in pipeline) {
      sections.requests = { error: 'no pipeline run' };
      sections.cost = { error: 'no pipeline run' };
    } else {
      const s3 = runRequests(pipeline.s3);
      sections.requests = {
        s3,
        https: runRequests(pipeline.https),
        baseline: {
          label: 'minimal design (bench/COST.md), batch route',
          code: idealDesign.requestsPerTrack,
          codeTotal: idealRequestsPerTrack,
          eventSource: idealDesign.eventSourceRequestsPerTrack,
          eventSourceTotal: Object.values(idealDesign.eventSourceRequestsPerTrack).reduce((a, b) => a + b, 0),
        },
        target: { s3RequestsPerTrack: targets.requestsPerTrackS3, met: s3.code.total <= targets.requestsPerTrackS3 },
        notes: emulatorNotes(s3),
      };
      const s3Cost = costModel(inputsFromRun(pipeline.s3, defaultSettings));
      sections.cost = {
        prices,
        s3: s3Cost,
        https: costModel(inputsFromRun(pipeline.https, defaultSettings)),
        baseline: {
          ...costModel(idealDesign.inputs),
          label: 'minimal design (bench/COST.md), batch route',
          publishedUsdPerMillion: idealDesign.publishedUsdPerMillion,
        },
        target: {
          s3UsdPerMillionTracks: targets.usdPerMillionTracksS3,
          met: s3Cost.usdPerMillionTracks <= targets.usdPerMillionTracksS3,
        },
        storage: storageModel(),
        capacity: capacityModeModel(s3Cost.inputs),
      };
    }
  }
  if (want('copy')) {
    sections.copy = await section(
      'copy',
      `copy: ${size.copy.bytes / 1024 ** 2} MiB HTTP → S3, trackdrop's worker path vs a plain Upload, ${size.copy.runs} run(s) each`,
      () => copyThroughput(size.copy),
    );
  }
  if (want('coldstart')) {
    sections.coldStart = await section(
      'coldstart',
      `coldstart: bundling the handlers, ${size.coldRuns} fresh imports each`,
      () => coldStart({ runs: size.coldRuns }),
    );
  }

  if (want('scale')) {
    const given = values['session-tracks'] === undefined ? undefined : Number(values['session-tracks']);
    const scale = { ...size.scale, ...(given && Number.isInteger(given) && given > 0 ? { sessionTracks: given } : {}) };
    sections.scale = await section(
      'scale',
      `scale: one ${scale.sessionTracks}-track session, a cancel of ${scale.cancelTracks} queued tracks, a ${scale.libraryItems}-item library`,
      () => scaleRun(scale, log),
    );
  }

  if (want('noisy')) {
    const n = size.noisy;
    sections.noisy = await section(
      'noisy',
      `noisy neighbour: store A imports ${n.importTracks} tracks while B buys one every ${n.purchaseEveryMs} ms and C's receiver takes ${n.slowCallbackMs} ms, fair queues and not`,
      () => noisyNeighbourRun(n, log),
    );
  }

  const finishedAt = new Date();
  const m = machine(loadAtStart);
  const tableRows = rows(sections);
  process.stdout.write(
    `trackdrop benchmark${values.quick ? ' (quick)' : ''} — ${startedAt.toISOString()}\n` +
      `machine: ${m.os} ${m.arch}, ${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}; ` +
      `load average ${m.loadAverage.atStart.join(' ')} at start, ${m.loadAverage.atEnd.join(' ')} at end\n` +
      `code: ${code.commit.slice(0, 7)}${code.uncommittedChanges ? ' + uncommitted changes in functions/ or infra/' : ''}\n\n` +
      `${table(tableRows)}\n\n`,
  );
  const result = {
    benchmark: 'trackdrop',
    quick: values.quick,
    only: only ?? null,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    secondsBySection: seconds,
    machine: m,
    code,
    targets,
    sections,
    table: tableRows,
  };
  const dir = values.out ?? join(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  const suffix = values.quick ? '-quick' : '';
  const stamp = startedAt
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const file = join(dir, `${stamp}${suffix}.json`);
  await writeFile(file, json);
  await writeFile(join(dir, `latest${suffix}.json`), json);
  process.stdout.write(`results: ${file}\n`);
  // The benchmark of record is a full run: its units per track go into docs/scale.md.
  if (!values.quick && values.out === undefined && only === undefined && !('error' in (sections.requests ?? {}))) {
    await writeUnitsTable(join(dir, 'latest.json'));
    process.stdout.write('units per track written into docs/scale.md\n');
  }
  return Object.values(sections).some((x) => typeof x === 'object' && x !== null && 'error' in x) ? 1 : 0;
}

/** Requests the emulators cause and AWS would not. */
function emulatorNotes(s3: ReturnType<typeof runRequests>): string[] {
  const notes: string[] = [];
  const wholeGets = s3.code.byOperation['s3:GetObject'] ?? 0;
  if (wholeGets > 0) {
    notes.push(
      `S3 source: ${wholeGets.toFixed(2)} whole-object s3:GetObject per track: fauxqs answers CopyObject without the ChecksumSHA256 S3 returns ` +
        'for ChecksumAlgorithm SHA256, so copyTrack reads the copy back to hash it. On AWS this read should not happen ' +
        `(${(s3.code.total - wholeGets).toFixed(2)} requests/track, $${(((wholeGets * 0.0004) / 1000) * 1e6).toFixed(2)} less per million tracks).`,
    );
  }
  return notes;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
