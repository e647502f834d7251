import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryWaitSeconds } from '../../functions/service/worker/batchLease.js';
import { defaultSettings } from '../../functions/settings.js';

const lease = defaultSettings.downloadLease;

test('a retried track waits 1, 4, 16, then 30 minutes at most, before each next receive', () => {
  const longest = [1, 2, 3, 4, 5].map((n) => retryWaitSeconds(lease, n, () => 1));
  assert.deepEqual(longest, [60, 240, 960, 1800, 1800]);
  // An origin down for the first four waits' sum still gets its tracks on the last receive.
  assert.ok(longest.slice(0, defaultSettings.downloads.maxReceiveCount - 1).reduce((a, b) => a + b) >= 45 * 60);
});

test('jitter keeps at least half of each wait and stays within SQS’s 12 hours', () => {
  assert.equal(
    retryWaitSeconds(lease, 1, () => 0),
    30,
  );
  assert.equal(
    retryWaitSeconds(lease, 3, () => 0),
    480,
  );
  const huge = { retryBaseSeconds: 3_600, retryMaxSeconds: 1_000_000 };
  assert.equal(
    retryWaitSeconds(huge, 10, () => 1),
    43_200,
  );
});
