import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');

/**
 * `npm run bench -- --quick` runs end to end: every section measured and written down. It
 * asserts that the benchmark ran, never how fast anything was.
 */
test('the quick benchmark prints its table and writes every section as numbers', { timeout: 480_000 }, async () => {
  const out = await mkdtemp(join(tmpdir(), 'trackdrop-bench-test-'));
  try {
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        join(root, 'node_modules', '.bin', 'node'),
        ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out],
        { cwd: root },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(run.code, 0, `bench exited ${run.code}\n${run.stdout}\n${run.stderr}`);

    // One table: its header, a rule, and a row for each section.
    assert.match(run.stdout, /^section\s+figure\s+trackdrop\s+baseline\s+vs baseline\s+baseline is\s+target\s+met$/m);
    assert.match(run.stdout, /^-+\s+-+/m);
    for (const section of ['api', 'pipeline', 'requests', 'cost', 'copy', 'coldstart', 'scale', 'noisy']) {
      assert.match(run.stdout, new RegExp(`^${section}\\s+\\S`, 'm'), `no ${section} row in the table`);
    }

    const files = await readdir(out);
    assert.ok(files.includes('latest-quick.json'), files.join(', '));
    assert.ok(
      files.some((f) => /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-quick\.json$/.test(f)),
      files.join(', '),
    );
    const result: unknown = JSON.parse(await readFile(join(out, 'latest-quick.json'), 'utf8'));
    assert.equal(pick(result, 'quick'), true);
    assert.equal(typeof pick(result, 'machine.cpuModel'), 'string');
    assert.ok(Number(pick(result, 'machine.cpuCount')) > 0);
    assert.ok(Number(pick(result, 'machine.memoryGiB')) > 0);
    assert.match(String(pick(result, 'machine.node')), /^v\d+/);

    const s = pick(result, 'sections');
    for (const name of ['api', 'pipeline', 'requests', 'cost', 'copy', 'coldStart', 'scale', 'noisy']) {
      const section = pick(s, name);
      assert.ok(
        isRecord(section) && !('error' in section),
        `section ${name}: ${JSON.stringify(section)?.slice(0, 500)}`,
      );
    }
    const numbers = [
      'api.downloadTrack.requestsPerSecond',
      'api.downloadTrack.p50Ms',
      'api.downloadTrack.p99Ms',
      'api.noopBaseline.requestsPerSecond',
      'api.noopBaseline.p99Ms',
      'pipeline.floor.roundTripsPerSecond',
      'pipeline.s3.tracksPerSecond',
      'pipeline.https.tracksPerSecond',
      'requests.s3.code.total',
      'requests.s3.eventSource.total',
      'requests.https.code.total',
      'requests.https.eventSource.total',
      'requests.baseline.codeTotal',
      'cost.s3.usdPerMillionTracks',
      'cost.https.usdPerMillionTracks',
      'cost.baseline.usdPerMillionTracks',
      'copy.trackdrop.mbPerSecond',
      'copy.trackdrop.peakRssMiB',
      'copy.plainUpload.mbPerSecond',
      'copy.plainUpload.peakRssMiB',
      'coldStart.emptyHandler.init.sinceProcessStartMs',
      'scale.session.submitTracksPerSecond',
      'scale.session.drainTracksPerSecond',
      'scale.session.statusPage.p50Ms',
      'scale.session.statusPage.maxBytes',
      'scale.session.callbacksPerTrack',
      'scale.cancel.answerMs',
      'scale.cancel.callbacksPerTrack',
      'scale.library.page.p50Ms',
      'scale.library.contentIds.totalMs',
      'cost.storage.noncurrentVersions.usdPerMonth',
      'noisy.alone.a.tracksPerSecond',
      'noisy.fair.a.tracksPerSecond',
      'noisy.unfair.a.tracksPerSecond',
      'noisy.fair.b.p99Ms',
      'noisy.unfair.b.p99Ms',
      ...['api', 'worker', 'completion'].flatMap((fn) => [
        `coldStart.functions.${fn}.bundleKB`,
        `coldStart.functions.${fn}.init.sinceProcessStartMs`,
        `coldStart.functions.${fn}.init.importMs`,
      ]),
    ];
    for (const path of numbers) {
      const value = pick(s, path);
      assert.ok(typeof value === 'number' && Number.isFinite(value) && value >= 0, `${path} is ${value}`);
    }
    // Every track made it through both pipelines, and the cost model shows its arithmetic.
    assert.equal(pick(s, 'pipeline.s3.notOk'), 0);
    assert.equal(pick(s, 'pipeline.https.notOk'), 0);
    // The scaled-down scale run: every track of the big session ended and was told; the cancel
    // told every queued track and fetched none; the library paged through every item.
    assert.equal(pick(s, 'scale.session.terminal'), pick(s, 'scale.session.tracks'));
    assert.equal(pick(s, 'scale.session.countsMatch'), true);
    assert.equal(pick(s, 'scale.cancel.fetched'), 0);
    assert.equal(pick(s, 'scale.library.contentIds.ids'), pick(s, 'scale.library.items'));
    // The noisy-neighbour phases: every purchase of B made during A's drain was told.
    assert.equal(pick(s, 'noisy.fair.b.notTold'), 0);
    assert.equal(pick(s, 'noisy.unfair.b.notTold'), 0);
    const lines = pick(s, 'cost.s3.lines');
    assert.ok(
      Array.isArray(lines) &&
        lines.length > 0 &&
        lines.every((l: unknown) => isRecord(l) && typeof l.arithmetic === 'string'),
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** The value at a dotted path of parsed JSON; undefined where the path leads nowhere. */
function pick(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) v = isRecord(v) ? v[key] : undefined;
  return v;
}
