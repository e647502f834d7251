import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sessionCountsOf } from '../../functions/core/sessionCounts.js';

test('no counts item yet reads as all zero, with no marks', () => {
  assert.deepEqual(sessionCountsOf(undefined), {
    counts: { queued: 0, stored: 0, completed: 0, failed: 0, cancelled: 0, declined: 0 },
    negative: false,
    moves: 0,
  });
});

test('a tally below zero shows as 0 and is flagged; the table’s own attributes are dropped', () => {
  const c = sessionCountsOf({
    cookie: 'c',
    sk: 'counts',
    expiresAt: 1,
    queued: 3,
    failed: -1,
    moves: 4,
    movedAt: '2026-12-01T00:00:00.000Z',
    cancelledAt: '2026-12-01T00:00:01.000Z',
  });
  assert.equal(c.counts.queued, 3);
  assert.equal(c.counts.failed, 0);
  assert.equal(c.negative, true);
  assert.equal(c.moves, 4);
  assert.equal(c.cancelledAt, '2026-12-01T00:00:01.000Z');
  assert.ok(!('expiresAt' in c) && !('recountAt' in c));
});

test('a counts item that is not what trackdrop wrote is refused, naming the field', () => {
  assert.throws(() => sessionCountsOf({ queued: '3' }), /queued/);
  assert.throws(() => sessionCountsOf({ moves: 'x' }), /moves/);
});
