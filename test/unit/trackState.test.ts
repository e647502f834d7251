import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { TrackState } from '../../functions/core/trackState.js';
import {
  allStates,
  canTransition,
  countStates,
  isTerminal,
  sourcesOf,
  terminalStates,
} from '../../functions/core/trackState.js';

const ALLOWED: ReadonlyArray<readonly [TrackState, TrackState]> = [
  ['queued', 'stored'],
  ['queued', 'failed'],
  ['queued', 'cancelled'],
  ['stored', 'completed'],
];

describe('canTransition', () => {
  test('the life cycle moves: queued → stored → completed, queued → failed | cancelled', () => {
    for (const [from, to] of ALLOWED) assert.equal(canTransition(from, to), true, `${from} → ${to}`);
  });

  test('every other move is refused (full 6 × 6 table)', () => {
    for (const from of allStates) {
      for (const to of allStates) {
        const expected = ALLOWED.some(([f, t]) => f === from && t === to);
        assert.equal(canTransition(from, to), expected, `${from} → ${to}`);
      }
    }
  });

  test('no going back and no skipping', () => {
    assert.equal(canTransition('stored', 'queued'), false);
    assert.equal(canTransition('queued', 'completed'), false); // must be stored first
    assert.equal(canTransition('stored', 'failed'), false);
    assert.equal(canTransition('stored', 'cancelled'), false);
    assert.equal(canTransition('queued', 'queued'), false);
    assert.equal(canTransition('queued', 'declined'), false); // declined only at creation
  });

  test('terminal states go nowhere', () => {
    for (const from of ['completed', 'failed', 'cancelled', 'declined'] as const) {
      for (const to of allStates) assert.equal(canTransition(from, to), false, `${from} → ${to}`);
    }
  });
});

describe('sourcesOf (the guard of the conditional write)', () => {
  test('each target lists exactly the states that may move to it', () => {
    assert.deepEqual(sourcesOf('stored'), ['queued']);
    assert.deepEqual(sourcesOf('completed'), ['stored']);
    assert.deepEqual(sourcesOf('failed'), ['queued']);
    assert.deepEqual(sourcesOf('cancelled'), ['queued']);
    assert.deepEqual(sourcesOf('queued'), []);
    assert.deepEqual(sourcesOf('declined'), []);
  });

  test('agrees with canTransition for every pair', () => {
    for (const to of allStates) {
      for (const from of allStates)
        assert.equal(sourcesOf(to).includes(from), canTransition(from, to), `${from} → ${to}`);
    }
  });

  test('returns a fresh array each call', () => {
    const a = sourcesOf('stored');
    a.push('completed');
    assert.deepEqual(sourcesOf('stored'), ['queued']);
  });
});

describe('terminal states', () => {
  test('completed, failed, cancelled and declined are terminal; queued and stored are not', () => {
    assert.deepEqual([...terminalStates].sort(), ['cancelled', 'completed', 'declined', 'failed']);
    for (const s of allStates)
      assert.equal(isTerminal(s), ['completed', 'failed', 'cancelled', 'declined'].includes(s), s);
  });

  test('a state is terminal exactly when it has no way out', () => {
    for (const s of allStates)
      assert.equal(
        isTerminal(s),
        allStates.every((to) => !canTransition(s, to)),
        s,
      );
  });

  test('allStates lists the six states once each', () => {
    assert.equal(new Set(allStates).size, 6);
  });
});

describe('countStates', () => {
  test('every state appears, zero when absent', () => {
    assert.deepEqual(countStates([]), { queued: 0, stored: 0, completed: 0, failed: 0, cancelled: 0, declined: 0 });
  });

  test('counts each state', () => {
    assert.deepEqual(countStates(['queued', 'queued', 'completed', 'declined', 'queued', 'failed']), {
      queued: 3,
      stored: 0,
      completed: 1,
      failed: 1,
      cancelled: 0,
      declined: 1,
    });
  });

  test('accepts any iterable, e.g. a generator', () => {
    function* gen(): Generator<TrackState> {
      yield 'stored';
      yield 'stored';
      yield 'cancelled';
    }
    const c = countStates(gen());
    assert.equal(c.stored, 2);
    assert.equal(c.cancelled, 1);
  });

  test('property: the counts add up to the input length and match a naive count', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...allStates), { maxLength: 200 }), (states) => {
        const c = countStates(states);
        assert.equal(
          Object.values(c).reduce((a, b) => a + b, 0),
          states.length,
        );
        for (const s of allStates) assert.equal(c[s], states.filter((x) => x === s).length);
      }),
      { numRuns: 300 },
    );
  });
});
