import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { eventIdFor, newSecret, sha256Hex, signPayload } from '../../functions/core/signature.js';
import { verifySignature as verify } from '../../packages/store-client/src/index.js';

// What trackdrop signs, checked by the verifier stores are given (the store client's).
const verifySignature = (
  secret: string,
  header: string,
  body: string,
  opts: { nowSeconds: number; toleranceSeconds?: number },
) => verify({ secret, header, rawBody: body, ...opts });

const NOW = 1_750_000_000;
const SECRET = 'whsec_current';
const OLD = 'whsec_previous';
const BODY = JSON.stringify({
  type: 'DownloadTrackComplete',
  cookie: 'c'.repeat(20),
  serviceTrackId: 42,
  hrResult: '0x00000000',
});

describe('signPayload', () => {
  test('header format: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
    const header = signPayload([SECRET], BODY, NOW);
    const expected = createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex');
    assert.equal(header, `t=${NOW},v1=${expected}`);
  });

  test('one v1= per secret, in the order given', () => {
    const header = signPayload([SECRET, OLD], BODY, NOW);
    const parts = header.split(',');
    assert.equal(parts.length, 3);
    assert.equal(parts[0], `t=${NOW}`);
    assert.equal(parts[1], `v1=${createHmac('sha256', SECRET).update(`${NOW}.${BODY}`).digest('hex')}`);
    assert.equal(parts[2], `v1=${createHmac('sha256', OLD).update(`${NOW}.${BODY}`).digest('hex')}`);
  });
});

describe('verifySignature', () => {
  test('round trip', () => {
    assert.equal(verifySignature(SECRET, signPayload([SECRET], BODY, NOW), BODY, { nowSeconds: NOW }), true);
  });

  test('a wrong secret fails', () => {
    assert.equal(verifySignature('whsec_other', signPayload([SECRET], BODY, NOW), BODY, { nowSeconds: NOW }), false);
  });

  test('a tampered body fails', () => {
    const header = signPayload([SECRET], BODY, NOW);
    assert.equal(
      verifySignature(SECRET, header, BODY.replace('"serviceTrackId":42', '"serviceTrackId":43'), { nowSeconds: NOW }),
      false,
    );
    assert.equal(verifySignature(SECRET, header, `${BODY} `, { nowSeconds: NOW }), false);
    assert.equal(verifySignature(SECRET, header, '', { nowSeconds: NOW }), false);
  });

  test('a tampered timestamp fails, even within the tolerance', () => {
    const header = signPayload([SECRET], BODY, NOW);
    const moved = header.replace(`t=${NOW}`, `t=${NOW + 1}`);
    assert.equal(verifySignature(SECRET, moved, BODY, { nowSeconds: NOW }), false);
  });

  test('a tampered signature fails', () => {
    const header = signPayload([SECRET], BODY, NOW);
    const last = header.at(-1) === '0' ? '1' : '0';
    assert.equal(verifySignature(SECRET, `${header.slice(0, -1)}${last}`, BODY, { nowSeconds: NOW }), false);
  });

  test('stale timestamps fail beyond the tolerance (default 300 s), and pass at its edge', () => {
    const header = signPayload([SECRET], BODY, NOW);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW + 300 }), true);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW + 301 }), false);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW + 86_400 }), false);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW + 60, toleranceSeconds: 30 }), false);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW + 30, toleranceSeconds: 30 }), true);
  });

  test('timestamps too far in the future fail too', () => {
    const header = signPayload([SECRET], BODY, NOW);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW - 300 }), true);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW - 301 }), false);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW - 31, toleranceSeconds: 30 }), false);
  });

  test('rotation: with two secrets signed, either one verifies; a third does not', () => {
    const header = signPayload([SECRET, OLD], BODY, NOW);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW }), true);
    assert.equal(verifySignature(OLD, header, BODY, { nowSeconds: NOW }), true);
    assert.equal(verifySignature('whsec_third', header, BODY, { nowSeconds: NOW }), false);
  });

  test('no secrets signed means nothing verifies', () => {
    const header = signPayload([], BODY, NOW);
    assert.equal(header, `t=${NOW}`);
    assert.equal(verifySignature(SECRET, header, BODY, { nowSeconds: NOW }), false);
  });

  test('spaces after commas are tolerated', () => {
    const header = signPayload([SECRET, OLD], BODY, NOW).split(',').join(', ');
    assert.equal(verifySignature(OLD, header, BODY, { nowSeconds: NOW }), true);
  });

  test('malformed headers fail without throwing', () => {
    const good = signPayload([SECRET], BODY, NOW);
    const sig = good.split(',')[1]!;
    const headers = [
      '',
      ',',
      '=',
      't=',
      `t=${NOW}`,
      `t=${NOW},v1=`,
      `t=${NOW},v1=zz`,
      `t=${NOW},v1=abc`, // odd-length hex
      `t=${NOW},v0=${sig.slice(3)}`,
      `t=${NOW},${sig.slice(3)}`,
      `t=abc,${sig}`,
      `t=${NOW}.5,${sig}`,
      `${sig}`, // no timestamp
      'garbage',
      'v1',
      `t=${NOW},v1=${'0'.repeat(64)}`,
      `t=${NOW},v1=${'0'.repeat(1000)}`,
      '\u0000\uffff,,,==,',
    ];
    for (const h of headers) {
      assert.doesNotThrow(() => verifySignature(SECRET, h, BODY, { nowSeconds: NOW }), h);
      assert.equal(verifySignature(SECRET, h, BODY, { nowSeconds: NOW }), false, JSON.stringify(h));
    }
  });

  test('property: arbitrary headers never throw and never verify', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (h) => {
        assert.equal(verifySignature(SECRET, h, BODY, { nowSeconds: NOW }), false);
      }),
      { numRuns: 1000 },
    );
  });

  test('property: round trip for any secret, body and time; other secrets and bodies fail', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.integer({ min: -300, max: 300 }),
        (secret, other, body, otherBody, t, skew) => {
          const header = signPayload([secret], body, t);
          assert.equal(verifySignature(secret, header, body, { nowSeconds: t + skew }), true);
          if (other !== secret) assert.equal(verifySignature(other, header, body, { nowSeconds: t }), false);
          if (otherBody !== body) assert.equal(verifySignature(secret, header, otherBody, { nowSeconds: t }), false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('eventIdFor', () => {
  test('stable for equal input', () => {
    assert.equal(eventIdFor('cookie123', 42, 'completed'), eventIdFor('cookie123', 42, 'completed'));
    assert.match(eventIdFor('x'), /^evt_[0-9a-f]{32}$/);
  });

  test('differs when any part, the order or the split between parts differs', () => {
    const ids = [
      eventIdFor('cookie123', 42, 'completed'),
      eventIdFor('cookie123', 43, 'completed'),
      eventIdFor('cookie124', 42, 'completed'),
      eventIdFor('cookie123', 42, 'failed'),
      eventIdFor('cookie123', 'completed', 42),
      eventIdFor('cookie123', 42),
      eventIdFor('ab', 'c'),
      eventIdFor('a', 'bc'),
      eventIdFor('abc'),
      eventIdFor(),
    ];
    assert.equal(new Set(ids).size, ids.length);
  });

  test('property: equal inputs give equal ids; different uint32 ids give different event ids', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 16, maxLength: 64 }), fc.nat(), fc.nat(), (cookie, a, b) => {
        assert.equal(eventIdFor(cookie, a), eventIdFor(cookie, a));
        if (a !== b) assert.notEqual(eventIdFor(cookie, a), eventIdFor(cookie, b));
      }),
      { numRuns: 500 },
    );
  });
});

describe('newSecret and sha256Hex', () => {
  test('newSecret keeps the prefix, adds 256 random bits, and never repeats', () => {
    const a = newSecret('whsec_');
    const b = newSecret('whsec_');
    assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
  });

  test('sha256Hex is the hex SHA-256 of the UTF-8 text', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
