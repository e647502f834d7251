import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCompletionOwed, isSettled } from '../../functions/core/completionOwed.js';
import { allStates } from '../../functions/core/trackState.js';

test('the store is owed a DownloadTrackComplete for a track that ended, until it acknowledged it', () => {
  const owed = allStates.filter((state) => isCompletionOwed({ state }));
  assert.deepEqual(owed, ['stored', 'failed', 'cancelled']);
  assert.equal(isCompletionOwed({ state: 'failed', notifiedAt: '2026-01-01T00:00:00Z' }), false, 'told of the failure');
  assert.equal(
    isCompletionOwed({ state: 'cancelled', notifiedAt: '2026-01-01T00:00:00Z' }),
    false,
    'told of the cancel',
  );
});

test('a track is settled once it ended and nothing is owed for it', () => {
  assert.deepEqual(
    allStates.filter((state) => isSettled({ state })),
    ['completed', 'declined'],
  );
  assert.equal(isSettled({ state: 'failed', notifiedAt: '2026-01-01T00:00:00Z' }), true);
  assert.equal(isSettled({ state: 'queued' }), false, 'a queued track has not ended');
});
