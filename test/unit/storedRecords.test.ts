import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toTrack } from '../../functions/adapters/tracksRepo.js';
import {
  libraryItemOf,
  licenseRecordSchema,
  sessionRecordSchema,
  storeOf,
} from '../../functions/core/storedRecords.js';

const row = {
  cookie: 'sAbCdEfGhIjKlMnOpQrStUvWx#7',
  sk: 'track#42',
  expiresAt: 1_900_000_000,
  storeId: 'store-1',
  userId: 'u1',
  serviceTrackId: 42,
  downloadParams: 'order=42&x=%00',
  hrDownload: 0,
  state: 'failed',
  hrResult: 0x80004004,
  reason: 'cancelled',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:01.000Z',
};

test('a track row reads back as the track: the cookie without its shard, without the table’s own attributes', () => {
  const t = toTrack(row);
  assert.equal(t.cookie, 'sAbCdEfGhIjKlMnOpQrStUvWx');
  assert.equal(t.hrResult, 0x80004004);
  assert.equal(t.downloadParams, row.downloadParams);
  assert.ok(!('sk' in t) && !('expiresAt' in t), JSON.stringify(t));
});

test('a row that is not what trackdrop wrote is refused, naming the field', () => {
  const { downloadParams: _d, ...noParams } = row;
  assert.throws(() => toTrack(noParams), /downloadParams/);
  assert.throws(() => toTrack({ ...row, state: 'lost' }), /state/);
  assert.throws(
    () => sessionRecordSchema.parse({ cookie: 'c', storeId: 's', userId: 'u', transactionType: 'buy', createdAt: 'x' }),
    /containers/,
  );
  assert.throws(
    () => licenseRecordSchema.parse({ userId: 'u', storeId: 's', serviceTrackId: '42', updatedAt: 'x' }),
    /serviceTrackId/,
  );
});

test('a library row keeps the stored file’s fields as written and drops its sort key', () => {
  const item = libraryItemOf({
    userId: 'u1',
    sk: 'track#store-1#42',
    storeId: 'store-1',
    serviceTrackId: 42,
    cookie: 'c',
    addedAt: 'now',
    key: 'users/u1/Music/A/B/01 T.mp3',
    bytes: 10,
    sha256: 'ab'.repeat(32),
    title: 'T',
    artists: ['A', 'B'],
  });
  assert.deepEqual(item.artists, ['A', 'B']);
  assert.equal(item.title, 'T');
  assert.ok(!('sk' in item));
  assert.throws(
    () =>
      libraryItemOf({
        userId: 'u1',
        storeId: 'store-1',
        serviceTrackId: 42,
        cookie: 'c',
        addedAt: 'now',
        key: 'k',
        bytes: 10,
      }),
    /sha256/,
  );
});

test('a store row reads back without its table attributes; one written before name and origins existed gets their defaults', () => {
  const store = storeOf({
    pk: 'store#s1',
    kind: 'store',
    storeId: 's1',
    callbackUrl: 'https://store.example/cb',
    createdAt: '2026-12-01T00:00:00.000Z',
    sealedSecrets: ['x'],
  });
  assert.deepEqual(store, {
    storeId: 's1',
    name: 's1',
    callbackUrl: 'https://store.example/cb',
    allowOrigins: [],
    redownload: false,
    createdAt: '2026-12-01T00:00:00.000Z',
  });
  assert.throws(() => storeOf({ storeId: 's1', createdAt: 'x' }), /callbackUrl/);
});
