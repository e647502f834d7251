import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { type ChaosResult, runChaos } from '../chaos/chaosRun.js';

// The small chaos run: 40 tracks under throttling, origin faults, wrong checksums, missing
// licenses, a cancelled session and the store's endpoint down, with a fixed seed. Which request
// a throttling storm hits still depends on timing, so the two known bugs below may or may not
// show up in a given run: what they explain is split off into their own `todo` tests, and
// everything else must be 0 every time.

const SEED = 20_240_601;
let run: ChaosResult;

before(async () => {
  run = await runChaos({ tracks: 40, seed: SEED, quick: true });
});

const explain = (problems: readonly string[]) => `seed ${SEED}:\n${problems.join('\n')}`;

/** A file under the names used when a track's tags could not be read. */
const FALLBACK_NAME = /\/Unknown Artist\/Unknown Album\/Track \d+\.\w+/;
/** Bug 1 (tags): a throttled tag read makes a track land under fallback names, and a retry after it a second file. */
const isTagBug = (line: string) => FALLBACK_NAME.test(line);
/** Bug 2 (orphan): a file copied by an earlier attempt stays when a later delivery fails the track. */
const isOrphanOfFailedTrack = (line: string) => / failed\)$/.test(line);
const unexplained = (lines: readonly string[]) => lines.filter((l) => !isTagBug(l) && !isOrphanOfFailedTrack(l));

test('the chaos was real: throttling, origin faults and a store outage all happened', () => {
  const f = run.faults;
  assert.ok(f.s3SlowDown > 0, 'S3 SlowDown injected');
  assert.ok(f.dynamoProvisionedThroughput + f.dynamoThrottling > 0, 'DynamoDB throttling injected');
  assert.ok(f.retriesExhausted > 0, "some requests exhausted the SDK's retries");
  assert.ok(f.origin500 + f.originStall + f.originTruncate > 0, 'origin faults set');
  assert.ok(f.wrongChecksum + f.missingLicense > 0);
  assert.ok(run.audit.callbacks.refusedAttempts > 0, 'callbacks were refused while the store was down');
});

test('hostile origins were in the mix: empty, not audio, huge tags, shared names, slow drip', () => {
  for (const [kind, n] of Object.entries(run.faults.hostile)) assert.ok(n > 0, `${kind} origins planned`);
  const outcome = (label: RegExp) =>
    [...run.audit.outcomes.entries()].filter(([k]) => label.test(k)).reduce((a, [, n]) => a + n, 0);
  assert.ok(outcome(/^failed .*\(0x80070026\)$/) > 0, 'a zero-byte file ended failed with ERROR_HANDLE_EOF');
  assert.ok(outcome(/^failed .*\(0x8007000B\)$/) > 0, 'a non-audio file ended failed with ERROR_BAD_FORMAT');
  assert.ok(outcome(/^failed .*\(0x800C000B\)$/) > 0, 'a slow-drip origin ended failed with INET_E_CONNECTION_TIMEOUT');
  assert.ok(run.audit.completionSeconds.size > 0, 'completion times are reported per store');
});

test('the API took every DownloadTrack the store sent (a track throttled on its own, once sent again)', () => {
  const refused = run.failures.find((f) => f.figure === 'DownloadTrack calls the API refused');
  assert.equal(refused, undefined, explain(refused?.problems ?? []));
});

test('no track is lost: every one reaches an outcome and its store is told', () => {
  assert.deepEqual(run.audit.lost, [], explain(run.audit.lost));
});

test('no track has two files or two library rows, and no file belongs to no track', () => {
  assert.deepEqual(unexplained(run.audit.duplicateObjects), [], explain(run.audit.duplicateObjects));
  assert.deepEqual(run.audit.duplicateLibraryRows, [], explain(run.audit.duplicateLibraryRows));
  assert.deepEqual(unexplained(run.audit.orphanObjects), [], explain(run.audit.orphanObjects));
});

test('every told track got exactly one distinct, verified event id saying its outcome; declined ones none', () => {
  assert.deepEqual(run.audit.callbackProblems, [], explain(run.audit.callbackProblems));
  assert.deepEqual(run.audit.sessionEventProblems, [], explain(run.audit.sessionEventProblems));
});

test('every track ends as its faults allow, with the right bytes and its library row', () => {
  assert.deepEqual(run.audit.wrongOutcomes, [], explain(run.audit.wrongOutcomes));
  assert.deepEqual(run.audit.badFiles, [], explain(run.audit.badFiles));
  assert.deepEqual(run.audit.libraryMismatches, [], explain(run.audit.libraryMismatches));
});

test('throttling never costs a track its tags, nor leaves a second file under fallback names', () => {
  assert.deepEqual(run.audit.tagsLost, [], explain(run.audit.tagsLost));
  assert.deepEqual(run.audit.duplicateObjects.filter(isTagBug), [], explain(run.audit.duplicateObjects));
  assert.deepEqual(run.audit.orphanObjects.filter(isTagBug), [], explain(run.audit.orphanObjects));
});

test('a failed track leaves no file behind', () => {
  assert.deepEqual(run.audit.orphanObjects.filter(isOrphanOfFailedTrack), [], explain(run.audit.orphanObjects));
});
