import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlowStores } from '../../functions/service/completion/slowLane.js';

test('a store goes to the slow lane after a streak of slow callbacks, not one', () => {
  const s = new SlowStores(60_000, 3);
  assert.equal(s.record('c', true, 0), false);
  assert.equal(s.record('c', true, 1), false);
  assert.equal(s.isSlow('c', 1), false, 'two slow answers are a busy moment');
  assert.equal(s.record('c', true, 2), true, 'the third sends it');
  assert.equal(s.isSlow('c', 3), true);
  assert.equal(s.record('c', true, 4), false, 'already there: told once');
});

test('a quick callback breaks the streak; the lane ends its time after the last slow one', () => {
  const s = new SlowStores(60_000, 3);
  s.record('b', true, 0);
  s.record('b', true, 1);
  s.record('b', false, 2);
  s.record('b', true, 3);
  assert.equal(s.isSlow('b', 4), false, 'the streak began again');
  for (const t of [10, 11, 12]) s.record('b', true, t);
  assert.equal(s.isSlow('b', 12 + 59_999), true);
  assert.equal(s.isSlow('b', 12 + 60_000), false);
  assert.equal(s.isSlow(undefined), false, 'a message that names no store stays on the main lane');
});
