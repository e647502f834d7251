import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { HResult } from '../../functions/core/hresult.js';
import {
  failed,
  formatHResult,
  HR,
  hresult,
  httpStatusHResult,
  parseHResult,
  succeeded,
  toInt32,
} from '../../functions/core/hresult.js';

describe('parseHResult: numbers', () => {
  test('negative int32 failure codes become their unsigned value', () => {
    assert.equal(parseHResult(-2147467259), 0x80004005); // E_FAIL as COM prints it
    assert.equal(parseHResult(-2147024809), 0x80070057); // E_INVALIDARG
    assert.equal(parseHResult(-1072879783), 0xc00d2759); // NS_E_DRM_LICENSE_NOTACQUIRED
    assert.equal(parseHResult(-1), 0xffffffff);
    assert.equal(parseHResult(-2147483648), 0x80000000); // int32 minimum
  });

  test('unsigned numbers are kept as they are', () => {
    assert.equal(parseHResult(0), 0);
    assert.equal(parseHResult(1), 1);
    assert.equal(parseHResult(0x80004005), 0x80004005);
    assert.equal(parseHResult(0xffffffff), 0xffffffff);
    assert.equal(parseHResult(0x7fffffff), 0x7fffffff);
  });

  test('-0 is S_OK', () => {
    assert.equal(parseHResult(-0), 0);
    assert.ok(Object.is(parseHResult(-0), 0));
  });

  test('rejects non-integers and non-finite numbers', () => {
    for (const n of [1.5, -0.5, 0x80004005 + 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.equal(parseHResult(n), undefined, String(n));
    }
  });

  test('rejects numbers outside int32 ∪ uint32', () => {
    for (const n of [0x1_0000_0000, -2147483649, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e20]) {
      assert.equal(parseHResult(n), undefined, String(n));
    }
  });
});

describe('parseHResult: strings', () => {
  test('"0x…" hex in upper, lower and mixed case, with an upper-case X too', () => {
    assert.equal(parseHResult('0x80004005'), 0x80004005);
    assert.equal(parseHResult('0xc00d2759'), 0xc00d2759);
    assert.equal(parseHResult('0xC00D2759'), 0xc00d2759);
    assert.equal(parseHResult('0xC00d2759'), 0xc00d2759);
    assert.equal(parseHResult('0X80070057'), 0x80070057);
    assert.equal(parseHResult('0xFFFFFFFF'), 0xffffffff);
  });

  test('short hex forms', () => {
    assert.equal(parseHResult('0x0'), 0);
    assert.equal(parseHResult('0x1'), 1);
    assert.equal(parseHResult('0x01'), 1);
    assert.equal(parseHResult('0x00000000'), 0);
    assert.equal(parseHResult('0xabc'), 0xabc);
  });

  test('only the documented forms: a string is "0x…" hex, exactly, or nothing', () => {
    // Hex without 0x would read as decimal: "80004005" is a success code as a number, E_FAIL as hex.
    for (const s of [
      '80004005',
      'C00D2759',
      '-2147467259',
      '2147500037',
      '0',
      '1',
      '4294967295',
      ' 0x1 ',
      '\t0x80004005\n',
      '0x1 ',
      '4294967296',
    ]) {
      assert.equal(parseHResult(s), undefined, JSON.stringify(s));
    }
  });

  test('rejects more than 8 hex digits, even with leading zeros', () => {
    assert.equal(parseHResult('0x100000000'), undefined);
    assert.equal(parseHResult('0x000000001'), undefined);
    assert.equal(parseHResult('0x800040050'), undefined);
  });

  test('rejects garbage', () => {
    for (const s of [
      '',
      ' ',
      '0x',
      'x1',
      '0xg',
      '0x-1',
      '-0x1',
      '0x 1',
      '1.5',
      '1e3',
      '+5',
      'E_FAIL',
      'S_OK',
      'NaN',
      'Infinity',
      '0b101',
      '0o7',
      '12abc',
      '0x80004005h',
      '１２',
    ]) {
      assert.equal(parseHResult(s), undefined, JSON.stringify(s));
    }
  });

  test('rejects other types', () => {
    for (const v of [undefined, null, true, false, {}, [], [1], 1n, { valueOf: () => 1 }]) {
      assert.equal(parseHResult(v), undefined, String(v));
    }
  });
});

describe('formatHResult', () => {
  test('always 0x and 8 upper-case hex digits', () => {
    assert.equal(formatHResult(hresult(0)), '0x00000000');
    assert.equal(formatHResult(hresult(1)), '0x00000001');
    assert.equal(formatHResult(hresult(0xabc)), '0x00000ABC');
    assert.equal(formatHResult(HR.E_FAIL), '0x80004005');
    assert.equal(formatHResult(HR.NS_E_DRM_LICENSE_NOTACQUIRED), '0xC00D2759');
    assert.equal(formatHResult(hresult(-1)), '0xFFFFFFFF');
  });

  test('property: the format of any parsed value is /^0x[0-9A-F]{8}$/', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x8000_0000, max: 0xffff_ffff }), (n) => {
        const hr = parseHResult(n);
        assert.ok(hr !== undefined);
        assert.match(formatHResult(hr), /^0x[0-9A-F]{8}$/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('succeeded / failed', () => {
  test('decided by the top bit only', () => {
    assert.equal(succeeded(HR.S_OK), true);
    assert.equal(succeeded(HR.S_FALSE), true);
    assert.equal(succeeded(hresult(0x7fffffff)), true);
    assert.equal(failed(hresult(0x7fffffff)), false);
    assert.equal(succeeded(hresult(0x80000000)), false);
    assert.equal(failed(hresult(0x80000000)), true);
    assert.equal(failed(HR.E_FAIL), true);
    assert.equal(failed(HR.E_ABORT), true);
    assert.equal(failed(HR.NS_E_DRM_LICENSE_NOTACQUIRED), true);
    assert.equal(failed(hresult(0xffffffff)), true);
  });

  test('negative int32 input fails, non-negative succeeds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }), (n) => {
        const hr = parseHResult(n)!;
        assert.equal(failed(hr), n < 0);
        assert.equal(succeeded(hr), n >= 0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('toInt32', () => {
  test('prints failures negative, the way COM does', () => {
    assert.equal(toInt32(HR.E_FAIL), -2147467259);
    assert.equal(toInt32(HR.S_OK), 0);
    assert.equal(toInt32(HR.S_FALSE), 1);
    assert.equal(toInt32(hresult(0xffffffff)), -1);
    assert.equal(toInt32(hresult(0x80000000)), -2147483648);
  });
});

describe('HR table', () => {
  test('matches the protocol values', () => {
    const expected: Record<string, number> = {
      S_OK: 0x00000000,
      S_FALSE: 0x00000001,
      E_FAIL: 0x80004005,
      E_ABORT: 0x80004004,
      E_INVALIDARG: 0x80070057,
      E_ACCESSDENIED: 0x80070005,
      NS_E_DRM_LICENSE_NOTACQUIRED: 0xc00d2759,
    };
    for (const [name, value] of Object.entries(expected)) assert.equal(HR[name as keyof typeof HR], value, name);
  });

  test('every code is distinct, and every fetch failure code is a failure', () => {
    const values: HResult[] = Object.values(HR);
    assert.equal(new Set(values).size, values.length);
    for (const k of [
      'E_TIMEOUT',
      'E_FILE_TOO_LARGE',
      'E_HASH_MISMATCH',
      'E_ORIGIN_UNREACHABLE',
      'E_DOWNLOAD_FAILURE',
    ] as const) {
      assert.equal(failed(HR[k]), true, k);
    }
  });
});

describe('httpStatusHResult', () => {
  test('HTTP_E_STATUS_* = 0x80190000 + status', () => {
    assert.equal(httpStatusHResult(404), 0x80190194);
    assert.equal(formatHResult(httpStatusHResult(404)), '0x80190194');
    assert.equal(httpStatusHResult(500), 0x801901f4);
    assert.equal(httpStatusHResult(403), 0x80190193);
    assert.equal(failed(httpStatusHResult(404)), true);
  });

  test('distinct statuses give distinct codes, none clashing with the fixed table', () => {
    const codes = new Set<number>();
    for (let s = 100; s < 600; s++) codes.add(httpStatusHResult(s));
    assert.equal(codes.size, 500);
    for (const v of Object.values(HR)) assert.equal(codes.has(v), false);
  });
});

describe('round trips (property)', () => {
  test('for every int32 n: parse → format → parse is stable and toInt32 gives n back', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }), (n) => {
        const hr = parseHResult(n);
        assert.ok(hr !== undefined);
        const text = formatHResult(hr);
        const again = parseHResult(text);
        assert.equal(again, hr);
        assert.equal(toInt32(again!), n);
        // Decimal strings are not a documented form: refused, never read one way or the other.
        assert.equal(parseHResult(String(n)), undefined);
        assert.equal(parseHResult(String(hr)), undefined);
        assert.equal(parseHResult(text.toLowerCase()), hr);
      }),
      { numRuns: 2000 },
    );
  });

  test('for every uint32 u: the value is kept and format → parse is the identity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (u) => {
        const hr = parseHResult(u)!;
        assert.equal(hr, u);
        assert.equal(parseHResult(formatHResult(hr)), u);
        assert.equal(toInt32(hr) >>> 0, u);
      }),
      { numRuns: 2000 },
    );
  });
});
