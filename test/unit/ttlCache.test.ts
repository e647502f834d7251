import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TtlCache } from '../../functions/core/ttlCache.js';

test('a value is loaded once while fresh, again when stale; misses and failures are not kept', async () => {
  let now = 0;
  let loads = 0;
  const cache = new TtlCache<string | undefined>(1000, () => now);
  const load = (v: string | undefined) => async () => {
    loads += 1;
    return v;
  };
  assert.equal(await cache.get('a', load('x')), 'x');
  assert.equal(await cache.get('a', load('y')), 'x');
  assert.equal(loads, 1);
  now = 1500;
  assert.equal(await cache.get('a', load('y')), 'y', 'stale: loaded again');
  assert.equal(await cache.get('b', load(undefined)), undefined);
  assert.equal(await cache.get('b', load('found')), 'found', 'a miss is not remembered');
  await assert.rejects(cache.get('c', () => Promise.reject(new Error('throttled'))));
  assert.equal(await cache.get('c', load('ok')), 'ok', 'a failure is not remembered');
});
