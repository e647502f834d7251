import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeKey, routes } from '../../functions/api/routes.js';
import {
  compileRoutes,
  InvalidRouteKeyError,
  parseRouteKey,
  selectRoute,
} from '../../infra/local/httpApi/routeSelection.js';

test('every route key of the shared route table is one API Gateway accepts (tracks:batch is one literal part)', () => {
  for (const r of routes) assert.doesNotThrow(() => parseRouteKey(routeKey(r)), routeKey(r));
});

test('route keys API Gateway refuses are refused', () => {
  for (const key of [
    'POST /v1/downloads/{cookie}:batch',
    'GET /v1/{a}.{b}',
    'GET /v1/{proxy+}/x',
    'GET /v1//x',
    'GET /v1/x/',
    'GET /v1/tracks batch',
    'GET /v1/x*',
    'FETCH /v1/x',
    'get /v1/x',
    'GET v1/x',
  ]) {
    assert.throws(() => parseRouteKey(key), InvalidRouteKeyError, key);
  }
  assert.throws(
    () =>
      compileRoutes([
        { routeKey: 'GET /a', target: 1 },
        { routeKey: 'GET /a', target: 2 },
      ]),
    InvalidRouteKeyError,
  );
});

test('selection: a full match first, then path variables, a greedy one last, ANY after the method, $default at the end', () => {
  const table = compileRoutes(
    [
      'GET /pets/dog',
      'GET /pets/{id}',
      'ANY /pets/{id}',
      'GET /pets/{proxy+}',
      'POST /d/{cookie}/tracks',
      'POST /d/{cookie}/tracks:batch',
      '$default',
    ].map((k) => ({ routeKey: k, target: k })),
  );
  const pick = (m: string, p: string) => selectRoute(table, m, p);
  assert.equal(pick('GET', '/pets/dog')?.routeKey, 'GET /pets/dog');
  assert.deepEqual(pick('GET', '/pets/cat'), {
    routeKey: 'GET /pets/{id}',
    pathParameters: { id: 'cat' },
    target: 'GET /pets/{id}',
  });
  assert.equal(pick('PUT', '/pets/cat')?.routeKey, 'ANY /pets/{id}');
  assert.deepEqual(pick('GET', '/pets/a/b')?.pathParameters, { proxy: 'a/b' });
  assert.equal(pick('POST', '/d/c1/tracks:batch')?.routeKey, 'POST /d/{cookie}/tracks:batch');
  assert.deepEqual(pick('POST', '/d/c%3A1/tracks')?.pathParameters, { cookie: 'c:1' });
  assert.equal(pick('DELETE', '/nothing')?.routeKey, '$default');
  assert.equal(selectRoute(compileRoutes([{ routeKey: 'GET /a/{id}', target: 0 }]), 'GET', '/a/'), undefined);
});
