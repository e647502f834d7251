import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { signPayload } from '../../functions/core/signature.js';
import { parseCallbackEvent, signatureVerdict, verifyCallback } from '../../packages/store-client/src/index.js';

// The package's verifier against trackdrop's own signer (functions/core/signature.ts): what the
// completion function signs, a store verifies, rotations included; anything else it refuses.

const NOW = 1_750_000_000;
const SECRET = 'whsec_current';
const OLD = 'whsec_previous';
const download = {
  event: 'Download',
  eventId: 'evt_0123abcd',
  cookie: 'c'.repeat(20),
  userId: 'u1',
  transactionType: 'buy',
  containers: [{ id: 'album-1', type: 'album', contentIds: [1, 2] }],
  createdAt: '2026-01-01T00:00:00.000Z',
};
const complete = {
  event: 'DownloadTrackComplete',
  eventId: 'evt_4567ef',
  cookie: 'c'.repeat(20),
  userId: 'u1',
  serviceTrackId: 2,
  hrResult: '0x00000000',
  downloadParams: 'order=1&sku=\u00e9\u6f22',
  item: { key: 'users/u1/Music/A/B/01 C.mp3', bytes: 1234, sha256: 'ab'.repeat(32), title: 'C', itemId: 'i1' },
};
const BODY = JSON.stringify(complete);

const verdict = (header: string | undefined, body: string | Uint8Array = BODY, secret: string | string[] = SECRET) =>
  signatureVerdict({ secret, header, rawBody: body, nowSeconds: NOW });

describe('signatureVerdict', () => {
  test('trackdrop signature of the body is valid, as text or as bytes', () => {
    const header = signPayload([SECRET], BODY, NOW);
    assert.equal(verdict(header), 'valid');
    assert.equal(verdict(header, Buffer.from(BODY, 'utf8')), 'valid');
  });

  test('while trackdrop rotates, either secret verifies; a store holding both verifies with either', () => {
    const header = signPayload([SECRET, OLD], BODY, NOW);
    assert.equal(verdict(header, BODY, SECRET), 'valid');
    assert.equal(verdict(header, BODY, OLD), 'valid');
    assert.equal(verdict(signPayload([OLD], BODY, NOW), BODY, ['whsec_new', OLD]), 'valid');
  });

  test('another secret, or a body changed by one byte, is a mismatch', () => {
    const header = signPayload([SECRET], BODY, NOW);
    assert.equal(verdict(header, BODY, 'whsec_other'), 'mismatch');
    assert.equal(verdict(header, BODY.replace('order=1', 'order=2')), 'mismatch');
    assert.equal(verdict(header, `${BODY} `), 'mismatch');
  });

  test('a timestamp outside the tolerance, either way, is stale', () => {
    assert.equal(verdict(signPayload([SECRET], BODY, NOW - 301)), 'stale');
    assert.equal(verdict(signPayload([SECRET], BODY, NOW + 301)), 'stale');
    assert.equal(verdict(signPayload([SECRET], BODY, NOW - 300)), 'valid');
    const header = signPayload([SECRET], BODY, NOW - 30);
    assert.equal(
      signatureVerdict({ secret: SECRET, header, rawBody: BODY, nowSeconds: NOW, toleranceSeconds: 10 }),
      'stale',
    );
  });

  test('no header, or one not t=<digits> with a v1=<64 hex>, is refused before any HMAC', () => {
    const v1 = signPayload([SECRET], BODY, NOW).split(',')[1];
    assert.equal(verdict(undefined), 'missing');
    assert.equal(verdict('  '), 'missing');
    assert.equal(verdict(`${v1}`), 'malformed');
    assert.equal(verdict(`t=${NOW}`), 'malformed');
    assert.equal(verdict(`t=${NOW}.5,${v1}`), 'malformed');
    assert.equal(verdict(`t=${NOW},t=${NOW},${v1}`), 'malformed');
    assert.equal(verdict(`t=${NOW},v1=abc`), 'malformed');
    assert.equal(verdict(`t=${NOW},garbage,${v1}`), 'malformed');
  });

  test('malformed and arbitrary headers never throw and never verify', () => {
    const sig = signPayload([SECRET], BODY, NOW).split(',')[1] ?? '';
    const headers = [
      ',',
      '=',
      't=',
      `t=${NOW},v1=`,
      `t=${NOW},v1=zz`,
      `t=${NOW},v0=${sig.slice(3)}`,
      `t=${NOW},${sig.slice(3)}`,
      `t=abc,${sig}`,
      'garbage',
      'v1',
      `t=${NOW},v1=${'0'.repeat(64)}`,
      `t=${NOW},v1=${'0'.repeat(1000)}`,
      '\u0000\uffff,,,==,',
    ];
    for (const h of headers) assert.notEqual(verdict(h), 'valid', JSON.stringify(h));
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (h) => verdict(h) !== 'valid'),
      { numRuns: 1000 },
    );
  });

  test('spaces after commas are tolerated', () => {
    assert.equal(verdict(signPayload([SECRET, OLD], BODY, NOW).split(',').join(', '), BODY, OLD), 'valid');
  });

  test('a valid v1= among others of other schemes or secrets is found', () => {
    const [t, v1] = signPayload([SECRET], BODY, NOW).split(',');
    assert.equal(verdict(`${t},v0=deadbeef,v1=${'0'.repeat(64)},${v1}`), 'valid');
  });

  test('whatever the body and secret, the signature verifies and a changed body does not', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.string({ minLength: 1 }), (secret, body, extra) => {
        const header = signPayload([secret], body, NOW);
        assert.equal(signatureVerdict({ secret, header, rawBody: body, nowSeconds: NOW }), 'valid');
        assert.equal(signatureVerdict({ secret, header, rawBody: body + extra, nowSeconds: NOW }), 'mismatch');
      }),
    );
  });
});

describe('verifyCallback', () => {
  test('a signed webhook comes back typed, by its event', () => {
    for (const payload of [download, complete]) {
      const body = JSON.stringify(payload);
      const result = verifyCallback({
        secret: SECRET,
        header: signPayload([SECRET], body, NOW),
        rawBody: body,
        nowSeconds: NOW,
      });
      assert.ok(result.ok, JSON.stringify(result));
      assert.deepEqual(result.event, payload);
      if (result.event.event === 'DownloadTrackComplete') assert.equal(result.event.item?.key, complete.item.key);
      else assert.deepEqual(result.event.containers[0]?.contentIds, [1, 2]);
    }
  });

  test('a bad signature is refused before the body is read', () => {
    const result = verifyCallback({ secret: SECRET, header: 't=1,v1=00', rawBody: 'not json', nowSeconds: NOW });
    assert.deepEqual(result, { ok: false, reason: 'malformed' });
  });

  test('a signed body that is not a webhook is invalid_payload', () => {
    for (const body of ['not json', '[]', JSON.stringify({ ...complete, serviceTrackId: '2' }), '{"event":"Other"}']) {
      const result = verifyCallback({
        secret: SECRET,
        header: signPayload([SECRET], body, NOW),
        rawBody: body,
        nowSeconds: NOW,
      });
      assert.deepEqual(result, { ok: false, reason: 'invalid_payload' }, body);
    }
  });
});

describe('parseCallbackEvent', () => {
  test('keeps fields the document does not name yet, and refuses a required one missing or mistyped', () => {
    assert.deepEqual(parseCallbackEvent(JSON.stringify({ ...download, newField: 1 })), { ...download, newField: 1 });
    const { eventId: _, ...noId } = download;
    assert.equal(parseCallbackEvent(JSON.stringify(noId)), undefined);
    assert.equal(parseCallbackEvent(JSON.stringify({ ...download, transactionType: 'rent' })), undefined);
    assert.equal(parseCallbackEvent(JSON.stringify({ ...complete, item: { key: 'k' } })), undefined);
    assert.equal(
      parseCallbackEvent(JSON.stringify({ ...complete, item: undefined, reason: 'gone' }))?.event,
      complete.event,
    );
  });
});
