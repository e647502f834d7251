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
    for (const section of ['api', 'pipeline', 'requests', 'cost', 'copy', 'coldstart', 'scale']) {
      assert.match(run.stdout, new RegExp(`^${section}\\s+\\S`, 'm'), `no ${section} row in the table`);
    }

    const files = await readdir(out);
    assert.ok(files.includes('latest-quick.json'), files.join(', '));
    assert.ok(
      files.some((f) => /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-quick\.json$/.test(f)),
      files.join(', '),
    );
    const result = JSON.parse(await readFile(join(out, 'latest-quick.json'), 'utf8')) as Record<string, any>;
    assert.equal(result.quick, true);
    assert.equal(typeof result.machine.cpuModel, 'string');
    assert.ok(result.machine.cpuCount > 0);
    assert.ok(result.machine.memoryGiB > 0);
    assert.match(result.machine.node, /^v\d+/);

    const s = result.sections;
    for (const name of ['api', 'pipeline', 'requests', 'cost', 'copy', 'coldStart', 'scale']) {
      assert.ok(s[name] && !('error' in s[name]), `section ${name}: ${JSON.stringify(s[name])?.slice(0, 500)}`);
    }
    const numbers: [string, unknown][] = [
      ['api.downloadTrack.requestsPerSecond', s.api.downloadTrack.requestsPerSecond],
      ['api.downloadTrack.p50Ms', s.api.downloadTrack.p50Ms],
      ['api.downloadTrack.p99Ms', s.api.downloadTrack.p99Ms],
      ['api.noopBaseline.requestsPerSecond', s.api.noopBaseline.requestsPerSecond],
      ['api.noopBaseline.p99Ms', s.api.noopBaseline.p99Ms],
      ['pipeline.floor.roundTripsPerSecond', s.pipeline.floor.roundTripsPerSecond],
      ['pipeline.s3.tracksPerSecond', s.pipeline.s3.tracksPerSecond],
      ['pipeline.https.tracksPerSecond', s.pipeline.https.tracksPerSecond],
      ['requests.s3.code.total', s.requests.s3.code.total],
      ['requests.s3.eventSource.total', s.requests.s3.eventSource.total],
      ['requests.https.code.total', s.requests.https.code.total],
      ['requests.https.eventSource.total', s.requests.https.eventSource.total],
      ['requests.baseline.codeTotal', s.requests.baseline.codeTotal],
      ['cost.s3.usdPerMillionTracks', s.cost.s3.usdPerMillionTracks],
      ['cost.https.usdPerMillionTracks', s.cost.https.usdPerMillionTracks],
      ['cost.baseline.usdPerMillionTracks', s.cost.baseline.usdPerMillionTracks],
      ['copy.trackdrop.mbPerSecond', s.copy.trackdrop.mbPerSecond],
      ['copy.trackdrop.peakRssMiB', s.copy.trackdrop.peakRssMiB],
      ['copy.plainUpload.mbPerSecond', s.copy.plainUpload.mbPerSecond],
      ['copy.plainUpload.peakRssMiB', s.copy.plainUpload.peakRssMiB],
      ['coldStart.emptyHandler.init.sinceProcessStartMs', s.coldStart.emptyHandler.init.sinceProcessStartMs],
      ['scale.session.submitTracksPerSecond', s.scale.session.submitTracksPerSecond],
      ['scale.session.drainTracksPerSecond', s.scale.session.drainTracksPerSecond],
      ['scale.session.statusPage.p50Ms', s.scale.session.statusPage.p50Ms],
      ['scale.session.statusPage.maxBytes', s.scale.session.statusPage.maxBytes],
      ['scale.session.callbacksPerTrack', s.scale.session.callbacksPerTrack],
      ['scale.cancel.answerMs', s.scale.cancel.answerMs],
      ['scale.cancel.callbacksPerTrack', s.scale.cancel.callbacksPerTrack],
      ['scale.library.page.p50Ms', s.scale.library.page.p50Ms],
      ['scale.library.contentIds.totalMs', s.scale.library.contentIds.totalMs],
      ...['api', 'worker', 'completion'].flatMap((fn): [string, unknown][] => [
        [`coldStart.functions.${fn}.bundleKB`, s.coldStart.functions[fn].bundleKB],
        [`coldStart.functions.${fn}.init.sinceProcessStartMs`, s.coldStart.functions[fn].init.sinceProcessStartMs],
        [`coldStart.functions.${fn}.init.importMs`, s.coldStart.functions[fn].init.importMs],
      ]),
    ];
    for (const [path, value] of numbers)
      assert.ok(typeof value === 'number' && Number.isFinite(value) && value >= 0, `${path} is ${value}`);
    // Every track made it through both pipelines, and the cost model shows its arithmetic.
    assert.equal(s.pipeline.s3.notOk, 0);
    assert.equal(s.pipeline.https.notOk, 0);
    // The scaled-down scale run: every track of the big session ended and was told; the cancel
    // told every queued track and fetched none; the library paged through every item.
    assert.equal(s.scale.session.terminal, s.scale.session.tracks);
    assert.equal(s.scale.session.countsMatch, true);
    assert.equal(s.scale.cancel.fetched, 0);
    assert.equal(s.scale.library.contentIds.ids, s.scale.library.items);
    assert.ok(
      s.cost.s3.lines.length > 0 &&
        s.cost.s3.lines.every((l: { arithmetic: unknown }) => typeof l.arithmetic === 'string'),
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
