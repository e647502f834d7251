import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../../functions/core/rateLimiter.js';

test('a store gets its burst at once, then its steady rate; other stores are not affected', () => {
  let now = 0;
  const limiter = new RateLimiter(2, 3, () => now);
  assert.deepEqual(
    [1, 2, 3].map(() => limiter.take('a').ok),
    [true, true, true],
  );
  const refused = limiter.take('a');
  assert.deepEqual(refused, { ok: false, retryAfterSeconds: 1 });
  assert.equal(limiter.take('b').ok, true, 'another store has its own bucket');
  now = 500; // half a second at 2/s refills one token
  assert.equal(limiter.take('a').ok, true);
  assert.equal(limiter.take('a').ok, false);
  now = 60_000; // a long pause refills up to the burst, never beyond
  assert.deepEqual(
    [1, 2, 3, 4].map(() => limiter.take('a').ok),
    [true, true, true, false],
  );
});
