import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type * as z from 'zod/mini';
import {
  batchBodySchema,
  cookieSchema,
  describeIssues,
  downloadTrackSchema,
  hresultSchema,
  libraryQuerySchema,
  licenseBodySchema,
  serviceTrackIdParamSchema,
  serviceTrackIdSchema,
  sessionBodySchema,
  sha256HexSchema,
  userIdSchema,
} from '../../functions/core/schemas.js';

const ok = (schema: z.ZodMiniType, v: unknown): boolean => schema.safeParse(v).success;
/** The describeIssues text of a parse that must fail. */
function problems(schema: z.ZodMiniType, v: unknown): string {
  const r = schema.safeParse(v);
  assert.equal(r.success, false, `expected ${JSON.stringify(v)} to be rejected`);
  return describeIssues(r.error!);
}

const validTrack = { trackUrl: 'https://cdn.example/t/1.mp3', serviceTrackId: 1, downloadParams: 'p=1', hrDownload: 0 };
const SHA = 'ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789';

describe('userIdSchema', () => {
  test('accepts 1-128 of A-Z a-z 0-9 . _ -', () => {
    for (const v of [
      'a',
      'Z',
      '0',
      'user-1',
      'user_1',
      'first.last',
      '.hidden',
      'a..b',
      '-',
      '_',
      'x'.repeat(128),
      'auth0|x'.replace('|', '-'),
    ]) {
      assert.ok(ok(userIdSchema, v), v);
    }
  });

  test('rejects dot-only names, empty, too long, spaces, slashes and other characters', () => {
    for (const v of [
      '.',
      '..',
      '...',
      '',
      'x'.repeat(129),
      'a b',
      ' a',
      'a/b',
      '../x',
      'a\\b',
      'a%2e',
      'ä',
      'a\u0000',
      'a:b',
      'a@b',
    ]) {
      assert.equal(ok(userIdSchema, v), false, JSON.stringify(v));
    }
    for (const v of [1, null, undefined, ['a']]) assert.equal(ok(userIdSchema, v), false, String(v));
  });

  test('dot-only ids get a message saying so', () => {
    assert.match(problems(userIdSchema, '..'), /only dots/);
  });

  test('property: every accepted id is a single safe path segment', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 140 }), (v) => {
        if (ok(userIdSchema, v)) {
          assert.ok(v.length >= 1 && v.length <= 128);
          assert.ok(!v.includes('/') && !v.includes('\\'));
          assert.ok(!/^\.+$/.test(v));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('serviceTrackIdSchema (DWORD)', () => {
  test('accepts the uint32 range', () => {
    for (const v of [0, 1, 42, 0x7fffffff, 4294967295]) assert.ok(ok(serviceTrackIdSchema, v), String(v));
  });

  test('rejects negatives, > uint32, fractions, non-finite and strings', () => {
    for (const v of [-1, 4294967296, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5', '0', null, undefined, true]) {
      assert.equal(ok(serviceTrackIdSchema, v), false, String(v));
    }
  });
});

describe('serviceTrackIdParamSchema (path parameter text)', () => {
  test('decimal text becomes a number', () => {
    assert.equal(serviceTrackIdParamSchema.parse('42'), 42);
    assert.equal(serviceTrackIdParamSchema.parse('0'), 0);
    assert.equal(serviceTrackIdParamSchema.parse('007'), 7);
    assert.equal(serviceTrackIdParamSchema.parse('4294967295'), 4294967295);
  });

  test('rejects out of range, hex, signs, blanks and other text', () => {
    for (const v of [
      '4294967296',
      '9999999999',
      '12345678901',
      '0x10',
      '-1',
      '+1',
      '1.5',
      '1e3',
      '',
      ' 42',
      '42 ',
      'abc',
      '４２',
    ]) {
      assert.equal(ok(serviceTrackIdParamSchema, v), false, JSON.stringify(v));
    }
    assert.equal(ok(serviceTrackIdParamSchema, 42), false);
  });
});

describe('hresultSchema', () => {
  test('int32, unsigned and "0x…" hex all normalise to unsigned', () => {
    assert.equal(hresultSchema.parse(0), 0);
    assert.equal(hresultSchema.parse(-2147467259), 0x80004005);
    assert.equal(hresultSchema.parse(0x80004005), 0x80004005);
    assert.equal(hresultSchema.parse('0x80004005'), 0x80004005);
    assert.equal(hresultSchema.parse('0xc00d2759'), 0xc00d2759);
  });

  test('anything else is rejected with a message about HRESULTs', () => {
    for (const v of [1.5, 4294967296, 'E_FAIL', '0x100000000', '', null, true, {}, '80004005', '-2147467259', '0']) {
      assert.equal(ok(hresultSchema, v), false, JSON.stringify(v));
    }
    assert.match(problems(hresultSchema, 'E_FAIL'), /int32, an unsigned 32-bit number or an "0x…" hex string/);
  });
});

describe('sha256HexSchema', () => {
  test('64 hex digits, lower-cased', () => {
    assert.equal(sha256HexSchema.parse(SHA), SHA.toLowerCase());
  });
  test('rejects other lengths and non-hex', () => {
    for (const v of [SHA.slice(1), `${SHA}0`, `${SHA.slice(1)}g`, '', `sha256:${SHA}`])
      assert.equal(ok(sha256HexSchema, v), false, v);
  });
});

describe('downloadTrackSchema', () => {
  test('accepts a full DownloadTrack call and normalises hrDownload and sha256', () => {
    const r = downloadTrackSchema.parse({ ...validTrack, hrDownload: '0x00000000', sha256: SHA });
    assert.deepEqual(r, { ...validTrack, hrDownload: 0, sha256: SHA.toLowerCase() });
  });

  test('a declined track needs no URL', () => {
    const r = downloadTrackSchema.parse({ serviceTrackId: 9, downloadParams: '', hrDownload: -1072879783 });
    assert.equal(r.hrDownload, 0xc00d2759);
    assert.equal(r.trackUrl, undefined);
  });

  test('an extra field is rejected and named in the message', () => {
    const text = problems(downloadTrackSchema, { ...validTrack, cookie: 'x', extraThing: 1 });
    assert.match(text, /unknown field/);
    assert.match(text, /extraThing/);
    assert.match(text, /cookie/);
    assert.match(text, /^body: /);
  });

  test('a missing serviceTrackId is named', () => {
    const { serviceTrackId: _omit, ...rest } = validTrack;
    assert.match(problems(downloadTrackSchema, rest), /^serviceTrackId: /);
  });

  test('missing downloadParams or hrDownload are named', () => {
    const { downloadParams: _d, hrDownload: _h, ...rest } = validTrack;
    const text = problems(downloadTrackSchema, rest);
    assert.match(text, /downloadParams: /);
    assert.match(text, /hrDownload: /);
  });

  test('bad field values are rejected', () => {
    assert.match(problems(downloadTrackSchema, { ...validTrack, serviceTrackId: -1 }), /serviceTrackId: .*uint32/);
    assert.match(problems(downloadTrackSchema, { ...validTrack, serviceTrackId: '1' }), /serviceTrackId: /);
    assert.match(problems(downloadTrackSchema, { ...validTrack, hrDownload: 'nope' }), /hrDownload: /);
    assert.match(
      problems(downloadTrackSchema, { ...validTrack, sha256: 'abc' }),
      /sha256: sha256 must be 64 hex digits/,
    );
    assert.match(
      problems(downloadTrackSchema, { ...validTrack, trackUrl: `https://x/${'a'.repeat(5000)}` }),
      /trackUrl: /,
    );
    assert.match(problems(downloadTrackSchema, { ...validTrack, downloadParams: 5 }), /downloadParams: /);
  });

  test('non-objects are rejected', () => {
    for (const v of [null, 'x', 1, [], undefined]) assert.equal(ok(downloadTrackSchema, v), false, String(v));
  });
});

describe('cookieSchema', () => {
  test('16-64 of A-Z a-z 0-9 _ -', () => {
    for (const v of ['a'.repeat(16), 'A-b_C'.repeat(4), 'x'.repeat(64)]) assert.ok(ok(cookieSchema, v), v);
    for (const v of [
      'a'.repeat(15),
      'x'.repeat(65),
      `${'a'.repeat(16)}=`,
      `${'a'.repeat(15)}/`,
      `${'a'.repeat(16)} `,
      '',
      'a.b.c.d.e.f.g.h.i',
    ]) {
      assert.equal(ok(cookieSchema, v), false, v);
    }
  });
});

describe('licenseBodySchema', () => {
  test('both fields are optional', () => {
    assert.deepEqual(licenseBodySchema.parse({}), {});
    assert.ok(ok(licenseBodySchema, { licenseId: 'lic-1' }));
  });

  test('expiresAt is an ISO datetime, with Z or an offset', () => {
    for (const v of [
      '2030-01-01T00:00:00Z',
      '2030-01-01T00:00:00.123Z',
      '2030-01-01T00:00:00+02:00',
      '2030-06-30T23:59:59-05:30',
    ]) {
      assert.ok(ok(licenseBodySchema, { expiresAt: v }), v);
    }
  });

  test('rejects dates without a time or zone, garbage, and unknown fields', () => {
    for (const v of ['2030-01-01', '2030-01-01T00:00:00', 'tomorrow', '1893456000', '2030-13-01T00:00:00Z', '']) {
      assert.equal(ok(licenseBodySchema, { expiresAt: v }), false, v);
    }
    assert.equal(ok(licenseBodySchema, { expiresAt: 1893456000 }), false);
    assert.match(problems(licenseBodySchema, { licenseId: 'x', userId: 'u' }), /unknown field\(s\) userId/);
  });

  test('licenseId is 1-256 characters', () => {
    assert.equal(ok(licenseBodySchema, { licenseId: '' }), false);
    assert.ok(ok(licenseBodySchema, { licenseId: 'x'.repeat(256) }));
    assert.equal(ok(licenseBodySchema, { licenseId: 'x'.repeat(257) }), false);
  });
});

describe('sessionBodySchema(maxContainers)', () => {
  const container = (contentIds: number[] = [1, 2]) => ({ id: 'album-1', type: 'album', price: '9.99', contentIds });

  test('a user id alone is enough; transactionType is one of none/download/buy', () => {
    assert.deepEqual(sessionBodySchema(3).parse({ userId: 'u1' }), { userId: 'u1' });
    for (const t of ['none', 'download', 'buy'])
      assert.ok(ok(sessionBodySchema(3), { userId: 'u1', transactionType: t }));
    assert.match(problems(sessionBodySchema(3), { userId: 'u1', transactionType: 'rent' }), /^transactionType: /);
  });

  test('the user id is checked', () => {
    assert.match(problems(sessionBodySchema(3), { userId: '..' }), /^userId: /);
    assert.match(problems(sessionBodySchema(3), {}), /^userId: /);
  });

  test('at most maxContainers containers', () => {
    const s = sessionBodySchema(2);
    assert.ok(ok(s, { userId: 'u', containers: [] }));
    assert.ok(ok(s, { userId: 'u', containers: [container(), container()] }));
    assert.match(
      problems(s, { userId: 'u', containers: [container(), container(), container()] }),
      /containers: at most 2 containers/,
    );
  });

  test('container ids may be strings or uint32 numbers', () => {
    const s = sessionBodySchema(5);
    assert.ok(ok(s, { userId: 'u', containers: [{ id: 7, contentIds: [] }] }));
    assert.ok(ok(s, { userId: 'u', containers: [{ id: 'x', contentIds: [] }] }));
    assert.equal(ok(s, { userId: 'u', containers: [{ id: '', contentIds: [] }] }), false);
    assert.equal(ok(s, { userId: 'u', containers: [{ id: -1, contentIds: [] }] }), false);
  });

  test('content ids are uint32 and at most 1000 per container', () => {
    const s = sessionBodySchema(5);
    assert.ok(ok(s, { userId: 'u', containers: [container(Array.from({ length: 1000 }, (_, i) => i))] }));
    assert.match(
      problems(s, { userId: 'u', containers: [container(Array.from({ length: 1001 }, (_, i) => i))] }),
      /^containers\.0\.contentIds: /,
    );
    assert.match(
      problems(s, { userId: 'u', containers: [container([1, 4294967296])] }),
      /^containers\.0\.contentIds\.1: /,
    );
  });

  test('unknown fields are rejected at both levels, with their path', () => {
    assert.match(problems(sessionBodySchema(5), { userId: 'u', cookie: 'c' }), /^body: unknown field\(s\) cookie$/);
    assert.match(
      problems(sessionBodySchema(5), { userId: 'u', containers: [{ ...container(), currency: 'EUR' }] }),
      /^containers\.0: unknown field\(s\) currency$/,
    );
  });

  test('type and price are at most 64 characters', () => {
    assert.equal(
      ok(sessionBodySchema(5), { userId: 'u', containers: [{ ...container(), price: 'x'.repeat(65) }] }),
      false,
    );
    assert.equal(
      ok(sessionBodySchema(5), { userId: 'u', containers: [{ ...container(), type: 'x'.repeat(65) }] }),
      false,
    );
  });
});

describe('batchBodySchema(max)', () => {
  test('1..max tracks; items are left for one-by-one checks', () => {
    const s = batchBodySchema(3);
    assert.ok(ok(s, { tracks: [{}] }));
    assert.ok(ok(s, { tracks: [1, 'x', null] }));
    assert.match(problems(s, { tracks: [] }), /^tracks: /);
    assert.match(problems(s, { tracks: [1, 2, 3, 4] }), /^tracks: at most 3 tracks per batch$/);
    assert.match(problems(s, {}), /^tracks: /);
    assert.match(problems(s, { tracks: [1], extra: true }), /unknown field\(s\) extra/);
  });
});

describe('libraryQuerySchema', () => {
  test('limit is 1-1000 as text; next is optional', () => {
    assert.deepEqual(libraryQuerySchema.parse({ limit: '50' }), { limit: 50 });
    assert.deepEqual(libraryQuerySchema.parse({}), {});
    for (const limit of ['0', '1001', 'abc', '-1', '10000', ''])
      assert.equal(ok(libraryQuerySchema, { limit }), false, limit);
    assert.equal(ok(libraryQuerySchema, { foo: '1' }), false);
  });
});

describe('describeIssues', () => {
  test('"path: message", joined by "; ", with nested paths dotted and the root called body', () => {
    const text = problems(sessionBodySchema(1), {
      userId: 'a b',
      containers: [
        { id: 'x', contentIds: [1, -2] },
        { id: 'y', contentIds: [] },
      ],
      nope: 1,
    });
    const parts = text.split('; ');
    assert.ok(parts.length >= 3, text);
    for (const p of parts) assert.match(p, /^[\w.]+: \S/);
    assert.ok(
      parts.some((p) => p.startsWith('userId: userId must be 1-128')),
      text,
    );
    assert.ok(
      parts.some((p) => p === 'body: unknown field(s) nope'),
      text,
    );
    assert.ok(
      parts.some((p) => p.startsWith('containers: at most 1 containers')),
      text,
    );
  });
});
