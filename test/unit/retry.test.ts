import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs, batchLeftovers, RetriesExhausted, retryLeftovers } from '../../functions/core/retry.js';

test('each pause is drawn from zero up to the doubling bound, capped', () => {
  assert.equal(
    backoffMs(batchLeftovers, 1, () => 0),
    0,
  );
  assert.equal(
    backoffMs(batchLeftovers, 1, () => 0.999),
    99,
  );
  assert.equal(
    backoffMs(batchLeftovers, 3, () => 0.5),
    200,
  );
  assert.equal(
    backoffMs(batchLeftovers, 8, () => 0.999),
    999,
  );
});

test('work left after the last round fails naming the call; nothing left ends at once', async () => {
  const pauses: number[] = [];
  const sleep = async (ms: number) => void pauses.push(ms);
  let calls = 0;
  await assert.rejects(
    retryLeftovers(
      batchLeftovers,
      'BatchWriteItem',
      ['a'],
      async (left) => {
        calls++;
        return left;
      },
      sleep,
    ),
    (err: unknown) => err instanceof RetriesExhausted && /BatchWriteItem/.test(err.message),
  );
  assert.equal(calls, batchLeftovers.rounds);
  assert.ok(
    pauses.every((ms, i) => ms >= 0 && ms < Math.min(batchLeftovers.capMs, batchLeftovers.baseMs * 2 ** (i + 1))),
  );
  calls = 0;
  await retryLeftovers(
    batchLeftovers,
    'BatchWriteItem',
    ['a', 'b'],
    async () => (calls++ === 0 ? ['b'] : undefined),
    sleep,
  );
  assert.equal(calls, 2);
});
