import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { KeyTags, TrackKeyInput } from '../../functions/core/keyLayout.js';
import {
  extensionFor,
  keyIdentity,
  MAX_SEGMENT_BYTES,
  musicPrefix,
  sanitizeSegment,
  trackKey,
  truncateUtf8,
} from '../../functions/core/keyLayout.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
/** A string that survives UTF-8 unchanged: no lone surrogates. */
const wellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;
// C0, DEL, C1 (together \p{Cc}: U+0000-U+001F and U+007F-U+009F), bidi embeddings/overrides/isolates,
// zero-width characters and the BOM.
const CONTROL = /[\p{Cc}\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;
const SLASHES = /[/\\\u2215\u2044\uff0f\u29f8]/u;

const key = (tags: KeyTags, extra: Partial<TrackKeyInput> = {}): string =>
  trackKey({ userId: 'u1', serviceTrackId: 42, tags, ext: 'mp3', ...extra });

/** The three segments after `users/<userId>/Music/`. */
function segments(k: string, userId: string): string[] {
  const prefix = musicPrefix(userId);
  assert.ok(k.startsWith(prefix), `${JSON.stringify(k)} does not start with ${prefix}`);
  return k.slice(prefix.length).split('/');
}

function assertSafeSegment(seg: string, where: string): void {
  assert.notEqual(seg, '', `${where}: empty segment`);
  assert.notEqual(seg, '.', `${where}: "." segment`);
  assert.notEqual(seg, '..', `${where}: ".." segment`);
  assert.doesNotMatch(seg, SLASHES, `${where}: slash in ${JSON.stringify(seg)}`);
  assert.doesNotMatch(seg, CONTROL, `${where}: control/invisible character in ${JSON.stringify(seg)}`);
  assert.ok(!/[. ]$/u.test(seg), `${where}: trailing dot or space in ${JSON.stringify(seg)}`);
  assert.ok(!/^ /u.test(seg), `${where}: leading space in ${JSON.stringify(seg)}`);
}

describe('sanitizeSegment', () => {
  test('undefined, empty and blank names take the fallback', () => {
    assert.equal(sanitizeSegment(undefined, 'FB'), 'FB');
    assert.equal(sanitizeSegment('', 'FB'), 'FB');
    assert.equal(sanitizeSegment('   ', 'FB'), 'FB');
    assert.equal(sanitizeSegment('\u200b\u200b', 'FB'), 'FB');
    assert.equal(sanitizeSegment('\u0000', 'FB'), 'FB');
  });

  test('ordinary names pass through unchanged', () => {
    for (const s of [
      'Abbey Road',
      'Sgt. Pepper',
      'Beyoncé',
      'Ólafur Arnalds',
      '坂本龍一',
      'Motörhead',
      '...And Justice for All',
      "Guns N' Roses",
      'Con Air',
      'CONSOLE',
    ]) {
      assert.equal(sanitizeSegment(s, 'FB'), s);
    }
  });

  test('"." and ".." and names of dots only never survive', () => {
    for (const s of ['.', '..', '...', '. .', ' .. ', '\u2025', '\u2026', '\uff0e\uff0e', '.\u200b.', '.\u202e.']) {
      assert.equal(sanitizeSegment(s, 'FB'), 'FB', JSON.stringify(s));
    }
  });

  test('percent-encoded dots cannot decode to ".."', () => {
    const s = sanitizeSegment('%2e%2e', 'FB');
    assert.ok(!s.includes('%'));
    assert.notEqual(decodeURIComponent(s), '..');
    assert.equal(s, '_2e_2e');
    assert.equal(sanitizeSegment('%2E%2E%2F', 'FB'), '_2E_2E_2F');
  });

  test('slashes, backslashes and their look-alikes become "_"', () => {
    assert.equal(sanitizeSegment('AC/DC', 'FB'), 'AC_DC');
    assert.equal(sanitizeSegment('AC\\DC', 'FB'), 'AC_DC');
    assert.equal(sanitizeSegment('AC\u2215DC', 'FB'), 'AC_DC'); // DIVISION SLASH
    assert.equal(sanitizeSegment('AC\u2044DC', 'FB'), 'AC_DC'); // FRACTION SLASH
    assert.equal(sanitizeSegment('AC\uff0fDC', 'FB'), 'AC_DC'); // FULLWIDTH SOLIDUS
    assert.equal(sanitizeSegment('AC\u29f8DC', 'FB'), 'AC_DC'); // BIG SOLIDUS
    assert.equal(sanitizeSegment('AC\uff3cDC', 'FB'), 'AC_DC'); // FULLWIDTH REVERSE SOLIDUS
    assert.equal(sanitizeSegment('../../etc/passwd', 'FB'), '.._.._etc_passwd');
    assert.equal(sanitizeSegment('..\u2215..\u2215x', 'FB'), '.._.._x');
  });

  test('characters Windows forbids become "_"', () => {
    assert.equal(sanitizeSegment('a<b>c:d"e|f?g*h', 'FB'), 'a_b_c_d_e_f_g_h');
    assert.equal(sanitizeSegment('Who?', 'FB'), 'Who_');
  });

  test('control characters, NUL and C1 are dropped', () => {
    assert.equal(sanitizeSegment('a\u0000b', 'FB'), 'ab');
    assert.equal(sanitizeSegment('a\u0001\u001f\u007fb', 'FB'), 'ab');
    assert.equal(sanitizeSegment('a\u0085\u009fb', 'FB'), 'ab');
    assert.doesNotMatch(sanitizeSegment('line1\nline2\r\tend', 'FB'), CONTROL);
  });

  test('bidi overrides and zero-width characters are dropped, so a name cannot lie', () => {
    assert.equal(sanitizeSegment('evil\u202egnp.exe', 'FB'), 'evilgnp.exe');
    assert.equal(sanitizeSegment('\u202aa\u202bb\u202cc\u202dd', 'FB'), 'abcd');
    assert.equal(sanitizeSegment('\u2066x\u2069', 'FB'), 'x');
    assert.equal(sanitizeSegment('a\u200bb\u200dc\ufeffd', 'FB'), 'abcd');
  });

  test('each whitespace character becomes one space: runs inside a name stay, as players show them; the ends are trimmed', () => {
    assert.equal(sanitizeSegment('Two  Spaces  Inside', 'FB'), 'Two  Spaces  Inside');
    assert.equal(sanitizeSegment('  a   b\u3000c\u00a0 ', 'FB'), 'a   b c');
    assert.equal(sanitizeSegment('a\u2028\u2029b', 'FB'), 'a  b');
  });

  test('NFKC folds compatibility forms', () => {
    assert.equal(sanitizeSegment('ｆｕｌｌ', 'FB'), 'full');
    assert.equal(sanitizeSegment('ﬁne', 'FB'), 'fine');
  });

  test('trailing dots and spaces are removed (Windows drops them)', () => {
    assert.equal(sanitizeSegment('Help!...', 'FB'), 'Help!');
    assert.equal(sanitizeSegment('abc. . ', 'FB'), 'abc');
    assert.equal(sanitizeSegment('abc.\u200b', 'FB'), 'abc');
    assert.equal(sanitizeSegment('.hidden', 'FB'), '.hidden');
  });

  test('Windows reserved device names get a "_" prefix, in any case and with any extension', () => {
    assert.equal(sanitizeSegment('CON', 'FB'), '_CON');
    assert.equal(sanitizeSegment('con', 'FB'), '_con');
    assert.equal(sanitizeSegment('nul.txt', 'FB'), '_nul.txt');
    assert.equal(sanitizeSegment('NUL', 'FB'), '_NUL');
    assert.equal(sanitizeSegment('Aux', 'FB'), '_Aux');
    assert.equal(sanitizeSegment('prn.tar.gz', 'FB'), '_prn.tar.gz');
    assert.equal(sanitizeSegment('COM1', 'FB'), '_COM1');
    assert.equal(sanitizeSegment('lpt9.mp3', 'FB'), '_lpt9.mp3');
    assert.equal(sanitizeSegment('COM¹', 'FB'), '_COM1'); // NFKC: ¹ → 1
    assert.equal(sanitizeSegment('CON.', 'FB'), '_CON'); // trailing dot dropped first
    assert.equal(sanitizeSegment(' con ', 'FB'), '_con');
  });

  test('very long ASCII names are cut to MAX_SEGMENT_BYTES', () => {
    const s = sanitizeSegment('a'.repeat(1000), 'FB');
    assert.equal(bytes(s), MAX_SEGMENT_BYTES);
  });

  test('very long non-ASCII names are cut on a character boundary: no broken pairs, no U+FFFD', () => {
    for (const unit of ['é', '€', '😀', '👩‍👩‍👧', '𝄞a', 'a😀']) {
      const s = sanitizeSegment(unit.repeat(200), 'FB');
      assert.ok(bytes(s) <= MAX_SEGMENT_BYTES, `${unit}: ${bytes(s)} bytes`);
      assert.ok(bytes(s) > MAX_SEGMENT_BYTES - 4, `${unit}: cut too short (${bytes(s)} bytes)`);
      assert.ok(wellFormed(s), `${unit}: broken surrogate pair`);
      assert.ok(!s.includes('\ufffd'), `${unit}: U+FFFD`);
    }
    // 119 ASCII bytes then a 4-byte emoji: the emoji must go whole, not split.
    const s = sanitizeSegment(`${'a'.repeat(119)}😀tail`, 'FB');
    assert.equal(s, 'a'.repeat(119));
  });

  test('a cut that leaves a trailing space or dot drops it', () => {
    assert.equal(sanitizeSegment(`${'a'.repeat(119)} bbbb`, 'FB'), 'a'.repeat(119));
    assert.equal(sanitizeSegment(`${'a'.repeat(118)}..bbbb`, 'FB'), 'a'.repeat(118));
  });

  test('a long Windows-reserved name stays within MAX_SEGMENT_BYTES after its "_" prefix', () => {
    const s = sanitizeSegment(`CON.${'a'.repeat(200)}`, 'FB');
    assert.ok(s.startsWith('_CON.'));
    assert.ok(bytes(s) <= MAX_SEGMENT_BYTES, `${bytes(s)} bytes`);
  });

  test('lone UTF-16 surrogates do not reach the key (it must be well-formed Unicode to be an S3 key)', () => {
    for (const raw of ['a\ud800b', '\udc00', 'x\ud83d']) {
      const s = sanitizeSegment(raw, 'FB');
      assert.ok(wellFormed(s), JSON.stringify(s));
    }
    // Both become U+FFFD: one name, one identity, so the collision rule gives one of them " (2)".
    assert.equal(key({ title: '\ud800' }), key({ title: '\udc00' }));
    assert.equal(keyIdentity(key({ title: '\ud800' })), keyIdentity(key({ title: '\udc00' })));
    assert.ok(wellFormed(key({ title: '\ud800' })));
  });
});

describe('truncateUtf8', () => {
  test('keeps short strings and cuts long ones on code point boundaries', () => {
    assert.equal(truncateUtf8('abc', 3), 'abc');
    assert.equal(truncateUtf8('abcd', 3), 'abc');
    assert.equal(truncateUtf8('a😀', 4), 'a');
    assert.equal(truncateUtf8('a😀', 5), 'a😀');
    assert.equal(truncateUtf8('éé', 3), 'é');
    assert.equal(truncateUtf8('', 0), '');
  });
});

describe('extensionFor', () => {
  test('from the container detected in the bytes', () => {
    assert.equal(extensionFor('MPEG'), 'mp3');
    assert.equal(extensionFor('WAVE'), 'wav');
    assert.equal(extensionFor('FLAC'), 'flac');
    assert.equal(extensionFor('Ogg'), 'ogg');
    assert.equal(extensionFor('AIFF'), 'aiff');
    assert.equal(extensionFor('M4A/mp42/isom'), 'm4a');
    assert.equal(extensionFor('M4A/isom'), 'm4a');
    assert.equal(extensionFor('mp42/isom'), 'm4a');
    assert.equal(extensionFor('WavPack'), 'wv');
    assert.equal(extensionFor('ADTS/MPEG-4'), 'aac');
    // Ogg by its codec: Opus is .opus, Vorbis stays .ogg; ASF is WMA.
    assert.equal(extensionFor('Ogg', 'Opus'), 'opus');
    assert.equal(extensionFor('Ogg', 'Vorbis I'), 'ogg');
    assert.equal(extensionFor('MP4', 'MPEG-4/AAC'), 'm4a');
    assert.equal(extensionFor('ASF', 'Windows Media Audio V8'), 'wma');
  });

  test('a WMA file (music-metadata reports container "ASF/audio") is named .wma', () => {
    assert.equal(extensionFor('ASF/audio'), 'wma');
  });

  test('anything but an audio container gives "bin", never a name a store chose', () => {
    assert.equal(extensionFor(undefined), 'bin');
    assert.equal(extensionFor(''), 'bin');
    assert.equal(extensionFor('Unknown'), 'bin');
    assert.equal(extensionFor('html'), 'bin');
    assert.equal(extensionFor('__proto__'), 'bin');
    assert.equal(extensionFor('constructor'), 'bin');
  });

  test('property: the result is always 1-5 lower-case letters or digits, which trackKey accepts', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        (c, codec) => {
          const ext = extensionFor(c, codec);
          assert.match(ext, /^[a-z0-9]{1,5}$/);
          assert.ok(key({}, { ext }).endsWith(`.${ext}`));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('trackKey', () => {
  test('users/{userId}/Music/{Artist}/{Album}/{NN Title}.{ext}', () => {
    assert.equal(
      trackKey({
        userId: 'u1',
        serviceTrackId: 7,
        tags: { title: 'Come Together', artist: 'The Beatles', album: 'Abbey Road', trackNumber: 1 },
        ext: 'mp3',
      }),
      'users/u1/Music/The Beatles/Abbey Road/01 Come Together.mp3',
    );
  });

  test('albumArtist is preferred over artist, so a featured artist never splits an album', () => {
    assert.equal(
      key({
        title: 'Duet',
        artist: 'Main Act feat. Guest',
        albumArtist: 'Main Act',
        album: 'Together',
        trackNumber: 3,
      }),
      'users/u1/Music/Main Act/Together/03 Duet.mp3',
    );
    assert.equal(key({ title: 'Song', artist: 'Solo' }), 'users/u1/Music/Solo/Unknown Album/Song.mp3');
    // An album artist of blanks names nothing.
    assert.equal(
      key({ title: 'Song', artist: 'Solo', albumArtist: '  ' }),
      'users/u1/Music/Solo/Unknown Album/Song.mp3',
    );
  });

  test('compilations (the flag, or album artist "Various Artists") go to Compilations/<Album>/', () => {
    assert.equal(
      key({ title: 'Song', artist: 'Guest', albumArtist: 'Various Artists', album: 'Hits', trackNumber: 3 }),
      'users/u1/Music/Compilations/Hits/03 Song.mp3',
    );
    assert.equal(
      key({ title: 'Song', artist: 'Guest', album: 'Hits', trackNumber: 4, compilation: true }),
      'users/u1/Music/Compilations/Hits/04 Song.mp3',
    );
    assert.equal(
      key({ title: 'Song', artist: 'Guest', albumArtist: 'various artists', album: 'Hits' }),
      'users/u1/Music/Compilations/Hits/Song.mp3',
    );
    assert.equal(
      key({ title: 'Song', artist: 'Guest', album: 'Hits', compilation: false }),
      'users/u1/Music/Guest/Hits/Song.mp3',
    );
  });

  test('an album of several discs names files <disc>-<NN Title>; a single disc keeps <NN Title>', () => {
    assert.equal(
      key({ title: 'A', artist: 'X', album: 'Y', trackNumber: 1, discNumber: 1, discTotal: 2 }),
      'users/u1/Music/X/Y/1-01 A.mp3',
    );
    assert.equal(
      key({ title: 'B', artist: 'X', album: 'Y', trackNumber: 7, discNumber: 2 }),
      'users/u1/Music/X/Y/2-07 B.mp3',
    );
    assert.equal(
      key({ title: 'C', artist: 'X', album: 'Y', trackNumber: 7, discNumber: 1, discTotal: 1 }),
      'users/u1/Music/X/Y/07 C.mp3',
    );
    assert.equal(
      key({ title: 'D', artist: 'X', album: 'Y', trackNumber: 7, discNumber: 1 }),
      'users/u1/Music/X/Y/07 D.mp3',
    );
  });

  test('track numbers are zero-padded to 2; no or invalid number means no prefix', () => {
    assert.equal(key({ title: 'T', trackNumber: 9 }).split('/').pop(), '09 T.mp3');
    assert.equal(key({ title: 'T', trackNumber: 12 }).split('/').pop(), '12 T.mp3');
    assert.equal(key({ title: 'T', trackNumber: 123 }).split('/').pop(), '123 T.mp3');
    for (const n of [undefined, 0, -1, 1.5, 1000, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.equal(key({ title: 'T', trackNumber: n }).split('/').pop(), 'T.mp3', String(n));
    }
  });

  test('attempt ≥ 2 appends " (n)" before the extension; 1 or none adds nothing', () => {
    assert.equal(key({ title: 'T', trackNumber: 1 }, { attempt: 2 }).split('/').pop(), '01 T (2).mp3');
    assert.equal(key({ title: 'T' }, { attempt: 10 }).split('/').pop(), 'T (10).mp3');
    assert.equal(key({ title: 'T' }, { attempt: 1 }).split('/').pop(), 'T.mp3');
    assert.equal(key({ title: 'T' }).split('/').pop(), 'T.mp3');
    // Every attempt gives a distinct key, even by keyIdentity.
    const ids = new Set([1, 2, 3, 4, 5].map((attempt) => keyIdentity(key({ title: 'T' }, { attempt }))));
    assert.equal(ids.size, 5);
  });

  test('fallbacks: Unknown Artist, Unknown Album, Track <id>', () => {
    assert.equal(key({}), 'users/u1/Music/Unknown Artist/Unknown Album/Track 42.mp3');
    assert.equal(
      key({ title: '..', artist: '.', album: '   ' }),
      'users/u1/Music/Unknown Artist/Unknown Album/Track 42.mp3',
    );
    assert.equal(key({ trackNumber: 5 }), 'users/u1/Music/Unknown Artist/Unknown Album/05 Track 42.mp3');
    assert.equal(
      trackKey({ userId: 'u', serviceTrackId: 4294967295, tags: {}, ext: 'flac' }),
      'users/u/Music/Unknown Artist/Unknown Album/Track 4294967295.flac',
    );
  });

  test('an extension that is not 1-5 lower-case letters or digits becomes "bin"', () => {
    for (const ext of ['', 'MP3', 'toolong', '../x', 'mp3/', 'm p3', '.mp3']) {
      assert.ok(key({ title: 'T' }, { ext }).endsWith('/T.bin'), ext);
    }
  });

  test("hostile tags stay inside the user's Music folder", () => {
    const k = key({ title: '../../../../etc/passwd', artist: '..', album: '..\\..\\Windows' }, { userId: 'victim' });
    assert.equal(k, 'users/victim/Music/Unknown Artist/.._.._Windows/.._.._.._.._etc_passwd.mp3');
    assert.equal(path.posix.normalize(k), k);
    const k2 = key({ title: '\u202e3pm.exe', artist: 'CON', album: '%2e%2e' });
    assert.equal(k2, 'users/u1/Music/_CON/_2e_2e/3pm.exe.mp3');
  });

  test('a file name gets its "_" only when the whole base name is a Windows device name', () => {
    assert.equal(key({ title: 'PRN', artist: 'A', album: 'B', trackNumber: 1 }), 'users/u1/Music/A/B/01 PRN.mp3');
    assert.equal(key({ title: 'PRN', artist: 'A', album: 'B' }), 'users/u1/Music/A/B/_PRN.mp3');
    assert.equal(key({ title: 'con.mix', artist: 'A', album: 'B' }), 'users/u1/Music/A/B/_con.mix.mp3');
    assert.equal(key({ title: 'NUL', artist: 'A', album: 'B' }, { attempt: 2 }), 'users/u1/Music/A/B/NUL (2).mp3');
    assert.equal(key({ title: 'COM1 Blues', artist: 'CON', album: 'AUX' }), 'users/u1/Music/_CON/_AUX/COM1 Blues.mp3');
  });

  test('a long title with a number stays within MAX_SEGMENT_BYTES, suffix and extension included', () => {
    const k = key({ title: 'x'.repeat(500), trackNumber: 7 }, { attempt: 3 });
    const file = k.split('/').pop()!;
    assert.ok(file.endsWith(' (3).mp3'));
    assert.equal(bytes(file), MAX_SEGMENT_BYTES);
    assert.ok(file.startsWith('07 xxx'));
    const hashed = key({ title: 'é'.repeat(300), trackNumber: 12 }, { suffix: ' (~0123abcd)', ext: 'flac' })
      .split('/')
      .pop()!;
    assert.ok(bytes(hashed) <= MAX_SEGMENT_BYTES, `${bytes(hashed)} bytes`);
    assert.ok(hashed.endsWith(' (~0123abcd).flac'));
  });
});

describe('keyIdentity', () => {
  test('names that differ only in case collide', () => {
    const a = key({ title: 'Yesterday', artist: 'The Beatles', album: 'Help!' });
    const b = key({ title: 'YESTERDAY', artist: 'the beatles', album: 'HELP!' });
    assert.notEqual(a, b);
    assert.equal(keyIdentity(a), keyIdentity(b));
    assert.equal(keyIdentity(key({ title: 'Ärger' })), keyIdentity(key({ title: 'äRGER' })));
    assert.equal(keyIdentity(key({ title: 'Ωμέγα' })), keyIdentity(key({ title: 'ΩΜΈΓΑ' })));
  });

  test('different names do not collide', () => {
    assert.notEqual(keyIdentity(key({ title: 'Yesterday' })), keyIdentity(key({ title: 'Yesterday Once More' })));
    assert.notEqual(keyIdentity(key({ title: 'a' })), keyIdentity(key({ title: 'b' })));
    assert.notEqual(
      keyIdentity(key({ title: 'T' }, { userId: 'alice' })),
      keyIdentity(key({ title: 'T' }, { userId: 'bob' })),
    );
  });

  test('compatibility forms collide with their plain form', () => {
    assert.equal(keyIdentity('users/u/Music/Ａ/B/C.mp3'), keyIdentity('users/u/Music/a/b/c.mp3'));
  });

  test('property: random re-casing of ASCII and Latin-1 letters never changes the identity', () => {
    const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzàéîõüçñøåæ0123 -_()'.split(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(letter, fc.boolean()), { minLength: 1, maxLength: 40 }), (chars) => {
        const lower = chars.map(([c]) => c).join('');
        const mixed = chars.map(([c, up]) => (up ? c.toUpperCase() : c)).join('');
        assert.equal(
          keyIdentity(key({ title: mixed, album: mixed })),
          keyIdentity(key({ title: lower, album: lower })),
        );
      }),
      { numRuns: 500 },
    );
  });

  test('Greek names that differ only in case collide (Σ at the end of a word lower-cases to final ς)', () => {
    assert.equal(keyIdentity(key({ album: 'ΟΔΟΣ', title: 'T' })), keyIdentity(key({ album: 'οδοσ', title: 'T' })));
  });
});

// ---- property tests over hostile input ----------------------------------------------------

const NASTY = [
  '..',
  '.',
  '/',
  '\\',
  '%2e',
  '%2E',
  '%2f',
  '\u2215',
  '\u2044',
  '\uff0f',
  '\u29f8',
  '\u0000',
  '\u001f',
  '\u0085',
  '\u202e',
  '\u200b',
  '\ufeff',
  ' ',
  '\u3000',
  '\t',
  '\n',
  'a',
  'Z',
  'é',
  '😀',
  '\u2025',
  '\uff0e',
  ':',
  '*',
  '?',
  '<',
  '|',
  '"',
  '~',
  'e\u0301',
  '\u0301',
];
const nastyString = fc.array(fc.constantFrom(...NASTY), { maxLength: 60 }).map((xs) => xs.join(''));
const anyTagText = fc.oneof(
  nastyString,
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', minLength: 100, maxLength: 400 }),
  fc.constantFrom('.', '..', '...', '%2e%2e', 'CON', 'nul.txt', ' . ', '', '\u202e'),
);
const tagsArb: fc.Arbitrary<KeyTags> = fc.record({
  title: fc.option(anyTagText, { nil: undefined }),
  artist: fc.option(anyTagText, { nil: undefined }),
  albumArtist: fc.option(anyTagText, { nil: undefined }),
  album: fc.option(anyTagText, { nil: undefined }),
  trackNumber: fc.option(fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.double()), { nil: undefined }),
  discNumber: fc.option(fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.double()), { nil: undefined }),
  discTotal: fc.option(fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.double()), { nil: undefined }),
  compilation: fc.option(fc.boolean(), { nil: undefined }),
});
const userIdArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/).filter((s) => !/^\.+$/.test(s));
const extArb = fc.oneof(fc.constantFrom('mp3', 'flac', 'wav', 'm4a', 'bin'), fc.string({ maxLength: 8 }));

describe('trackKey properties (hostile tags)', () => {
  test("every key stays in the user's Music folder with 3 safe segments, ≤ 1024 bytes, well-formed, normalized", () => {
    fc.assert(
      fc.property(
        userIdArb,
        fc.integer({ min: 0, max: 0xffff_ffff }),
        tagsArb,
        extArb,
        fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
        (userId, serviceTrackId, tags, ext, attempt) => {
          const k = trackKey({ userId, serviceTrackId, tags, ext, attempt });
          // (1) prefix, (2) exactly three segments after it
          const segs = segments(k, userId);
          assert.equal(segs.length, 3, JSON.stringify(k));
          // (3) no empty, "." or ".." segment, no slash, backslash or control character
          for (const [i, s] of segs.entries()) assertSafeSegment(s, `segment ${i}`);
          assert.ok(bytes(segs[0]!) <= MAX_SEGMENT_BYTES + 1 && bytes(segs[1]!) <= MAX_SEGMENT_BYTES + 1);
          assert.ok(bytes(segs[2]!) <= MAX_SEGMENT_BYTES, `file name is ${bytes(segs[2]!)} bytes`);
          // (4) S3's 1024-byte limit, and the same string after a UTF-8 round trip
          assert.ok(bytes(k) <= 1024, `${bytes(k)} bytes`);
          assert.ok(wellFormed(k), `not well-formed: ${JSON.stringify(k)}`);
          assert.ok(!k.includes('\ufffd') || JSON.stringify(tags).includes('\ufffd'));
          // (5) nothing for a path normaliser to resolve
          assert.equal(path.posix.normalize(k), k);
          // The extension is always a safe one.
          assert.match(k, /\.[a-z0-9]{1,5}$/);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('sanitizeSegment on hostile text (without reserved names) is safe and ≤ MAX_SEGMENT_BYTES', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          nastyString,
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 300 }),
        ),
        (raw) => {
          const s = sanitizeSegment(raw, 'FALLBACK');
          assertSafeSegment(s, 'sanitizeSegment');
          assert.ok(bytes(s) <= MAX_SEGMENT_BYTES, `${bytes(s)} bytes`);
          assert.ok(wellFormed(s));
          assert.ok(!s.includes('\ufffd') || raw.normalize('NFKC').includes('\ufffd'));
          // A sanitised name is still safe when sanitised again.
          assertSafeSegment(sanitizeSegment(s, 'FALLBACK'), 'sanitizeSegment twice');
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('property: keys built from raw UTF-16 (lone surrogates included) are well-formed Unicode', () => {
    const codeUnits = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    });
    fc.assert(
      fc.property(codeUnits, (title) => {
        assert.ok(wellFormed(key({ title })));
      }),
      { numRuns: 500 },
    );
  });
});
