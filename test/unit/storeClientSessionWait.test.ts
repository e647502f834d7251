import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSession } from '../../packages/store-client/src/index.js';
import type { SessionStatus } from '../../packages/store-client/src/types.js';

// A session read a page at a time: its counts (kept per batch on a session of several pages)
// can trail the tracks read just before them, and an outcome is settled only once they agree.

const none = { queued: 0, stored: 0, completed: 0, failed: 0, cancelled: 0, declined: 0 };
const page = (counts: Partial<typeof none>, ids: number[], next?: string): SessionStatus => ({
  cookie: 'c',
  userId: 'u',
  createdAt: '2026-12-04T00:00:00.000Z',
  counts: { ...none, ...counts },
  tracks: ids.map((serviceTrackId) => ({ serviceTrackId, state: 'completed' as const })),
  ...(next ? { next } : {}),
});

async function* pagesOf(...all: SessionStatus[]): AsyncGenerator<SessionStatus> {
  yield* all;
}

test('counts that trail the tracks: not settled; once they agree: settled, with the last page’s counts', async () => {
  const trailing = await readSession(
    pagesOf(page({ completed: 2, stored: 1 }, [1, 2], 'n'), page({ completed: 2, stored: 1 }, [3])),
  );
  assert.equal(trailing.settled, false, 'every track is completed, but the counts still say one is stored');
  const caughtUp = await readSession(
    pagesOf(page({ completed: 2, stored: 1 }, [1, 2], 'n'), page({ completed: 3 }, [3])),
  );
  assert.equal(caughtUp.settled, true);
  assert.deepEqual(caughtUp.session.counts, { ...none, completed: 3 }, 'the counts read last, after every track');
  assert.equal(caughtUp.tracks.length, 3);
});
