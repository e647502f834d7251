import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FairBacklog, sqsFairQueueRules } from '../../infra/local/fairQueue.js';

// The rules as the SQS Developer Guide states them ("How Amazon SQS fair queues work"), each
// checked on its own: who counts as noisy, who goes first, and when a noisy tenant is quiet again.

/** A backlog with `n` messages of `tenant`, named `<tenant><i>`. */
function fill(q: FairBacklog<string>, tenant: string | undefined, n: number, now = 0, name = tenant ?? 'x'): void {
  for (let i = 0; i < n; i++) q.add(`${name}${i}`, tenant, now);
}
const names = (held: readonly { message: string }[]) => held.map((h) => h.message);

describe('a fair backlog', () => {
  test('with no noisy tenant, hands out messages in the order they came, whatever their tenant', () => {
    const q = new FairBacklog<string>();
    q.add('a0', 'A', 0);
    q.add('b0', 'B', 0);
    q.add('a1', 'A', 0);
    assert.deepEqual(names(q.take(10, 0)), ['a0', 'b0', 'a1']);
  });

  test('a tenant with more than 10 % of the messages in flight and at least 30 of its own is noisy: the quiet go first', () => {
    const q = new FairBacklog<string>();
    fill(q, 'A', 100);
    assert.equal(q.take(30, 0).length, 30);
    q.add('b0', 'B', 1);
    assert.deepEqual([...q.noisy(1)], ['A']);
    assert.deepEqual(names(q.take(2, 1)), ['b0', 'A30'], 'B first, then A again, as nothing quiet waits');
  });

  test('29 in flight is not enough, however large the share, until its time share says so', () => {
    const q = new FairBacklog<string>();
    fill(q, 'A', 100);
    q.take(29, 0);
    q.add('b0', 'B', 0);
    // No time has passed: A has no processing time yet, and 29 is under the 30 the rule needs.
    assert.deepEqual([...q.noisy(0)], []);
    assert.deepEqual(names(q.take(1, 0)), ['A29'], 'first come, first served');
  });

  test('a tenant with few messages but more than 10 % of the recent processing time is noisy', () => {
    const q = new FairBacklog<string>();
    // C's one message has been in flight 20 s; A's ten took 100 ms each.
    q.add('c0', 'C', 0);
    q.take(1, 0);
    fill(q, 'A', 10, 0);
    const a = q.take(10, 19_900);
    q.finish(a, 20_000);
    q.add('c1', 'C', 20_000);
    q.add('a10', 'A', 20_000);
    assert.ok(q.noisy(20_000).has('C'));
    assert.ok(!q.noisy(20_000).has('A'), 'A: 1 s of 21 s');
    assert.deepEqual(names(q.take(2, 20_000)), ['a10', 'c1']);
  });

  test('among noisy tenants, the one with the fewest messages in flight goes first', () => {
    const q = new FairBacklog<string>();
    fill(q, 'A', 60);
    q.take(60, 0);
    fill(q, 'B', 40);
    q.take(40, 0);
    q.add('a-next', 'A', 1);
    q.add('b-next', 'B', 1);
    assert.deepEqual(new Set(q.noisy(1)), new Set(['A', 'B']));
    assert.deepEqual(names(q.take(1, 1)), ['b-next']);
  });

  test('a noisy tenant stays noisy while its backlog lasts, and is quiet once it is drained', () => {
    const q = new FairBacklog<string>();
    fill(q, 'A', 40);
    const first = q.take(30, 0);
    assert.ok(q.noisy(0).has('A'));
    // Its 30 finish in no time: it has fewer in flight now, but 10 still wait.
    q.finish(first, 0);
    assert.ok(q.noisy(0).has('A'), 'still noisy while its backlog lasts');
    q.finish(q.take(10, 0), 0);
    assert.equal(q.waiting, 0);
    assert.ok(!q.noisy(0).has('A'), 'quiet once drained');
  });

  test('a noisy tenant that sent nothing for five minutes is quiet again', () => {
    const q = new FairBacklog<string>();
    fill(q, 'A', 40);
    const out = q.take(30, 0);
    q.finish(out, 1);
    assert.ok(q.noisy(1).has('A'));
    // Ten still wait; its time share is old news after the window, and it sent nothing since.
    assert.ok(q.noisy(sqsFairQueueRules.quietAfterMs - 1).has('A'));
    assert.ok(!q.noisy(sqsFairQueueRules.quietAfterMs).has('A'));
  });

  test('noisy messages are never dropped or held back when nothing quiet waits', () => {
    const q = new FairBacklog<string>();
    fill(q, 'A', 50);
    q.take(30, 0);
    assert.ok(q.noisy(0).has('A'));
    assert.deepEqual(
      names(q.take(20, 0)),
      Array.from({ length: 20 }, (_, i) => `A${30 + i}`),
    );
    assert.equal(q.waiting, 0);
    assert.equal(q.inFlight, 50);
  });

  test('each message without a MessageGroupId is a tenant of its own, so never noisy', () => {
    const q = new FairBacklog<string>();
    fill(q, undefined, 40, 0, 'u');
    assert.equal(q.take(35, 0).length, 35);
    assert.deepEqual([...q.noisy(0)], []);
    q.add('b0', 'B', 0);
    assert.deepEqual(names(q.take(1, 0)), ['u35'], 'still first come, first served');
  });

  test('remove takes waiting messages out, and finish forgets only what it handed out', () => {
    const q = new FairBacklog<string>();
    fill(q, 'A', 5);
    const out = q.take(2, 0);
    const removed = q.remove((h) => h.message === 'A3');
    assert.deepEqual(names(removed), ['A3']);
    assert.deepEqual(names([...q.held()]), ['A2', 'A4']);
    q.finish([...out, ...removed], 1);
    assert.equal(q.inFlight, 0);
    assert.equal(q.waiting, 2);
  });
});
