import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { Source } from '../../functions/core/sourceUrl.js';
import {
  isOriginAllowed,
  isPublicAddress,
  mayConnect,
  normalizeOrigin,
  parseSource,
} from '../../functions/core/sourceUrl.js';

function parsed(raw: string): Source {
  const s = parseSource(raw);
  assert.ok(s, `expected ${raw} to parse`);
  return s;
}

describe('parseSource', () => {
  test('https and http URLs keep the URL and give its origin', () => {
    const s = parsed('https://cdn.example.com/music/1.mp3?sig=abc');
    assert.equal(s.kind, 'http');
    assert.equal(s.origin, 'https://cdn.example.com');
    assert.equal(s.kind === 'http' && s.url.pathname, '/music/1.mp3');
    assert.equal(parsed('http://cdn.example.com:8080/x').origin, 'http://cdn.example.com:8080');
    assert.equal(parsed('HTTPS://CDN.Example.COM:443/x').origin, 'https://cdn.example.com');
    assert.equal(parsed('http://127.0.0.1:9000/x').origin, 'http://127.0.0.1:9000');
    assert.equal(parsed('http://[::1]:9000/x').origin, 'http://[::1]:9000');
  });

  test('s3 URLs give bucket and decoded key', () => {
    const s = parsed('s3://my-bucket/albums/Abbey%20Road/01%20Come%20Together.mp3');
    assert.deepEqual(s, {
      kind: 's3',
      bucket: 'my-bucket',
      key: 'albums/Abbey Road/01 Come Together.mp3',
      origin: 's3://my-bucket',
    });
    assert.deepEqual(parsed('s3://my.bucket.name/k'), {
      kind: 's3',
      bucket: 'my.bucket.name',
      key: 'k',
      origin: 's3://my.bucket.name',
    });
    assert.equal((parsed('s3://bucket/caf%C3%A9.flac') as { key: string }).key, 'café.flac');
  });

  test('rejects other schemes', () => {
    for (const raw of [
      'ftp://host/x.mp3',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:audio/mp3;base64,AAAA',
      'gopher://h/x',
      'ws://h/x',
      'blob:https://h/uuid',
      'mailto:a@b.c',
    ]) {
      assert.equal(parseSource(raw), undefined, raw);
    }
  });

  test('rejects credentials in the URL', () => {
    for (const raw of [
      'https://user:pass@cdn.example/x',
      'https://user@cdn.example/x',
      'https://:pass@cdn.example/x',
      'http://a:b@127.0.0.1/x',
      's3://key:secret@bucket/k',
    ]) {
      assert.equal(parseSource(raw), undefined, raw);
    }
  });

  test('rejects s3 URLs without a key or with an invalid bucket name', () => {
    for (const raw of [
      's3://bucket:9000/key',
      's3://bucket/key?versionId=1',
      's3://bucket/key#x',
      's3://bucket:9000/key?versionId=1#x',
      's3://bucket/key?',
      's3://bucket/key#',
      's3://bucket:/key',
      's3://bucket',
      's3://bucket/',
      's3://ab/k',
      's3://Bucket/k',
      's3://-bucket/k',
      's3://bucket-/k',
      's3://bu_cket/k',
      `s3://${'a'.repeat(64)}/k`,
      's3:///k',
    ]) {
      assert.equal(parseSource(raw), undefined, raw);
    }
  });

  test('rejects text that is not a URL', () => {
    for (const raw of ['', 'cdn.example/x.mp3', '/x.mp3', '//cdn.example/x', 'https://', 'http:///']) {
      assert.equal(parseSource(raw), undefined, raw);
    }
  });

  test('an s3 key with broken percent-encoding is rejected, not thrown', () => {
    for (const raw of ['s3://bucket/%', 's3://bucket/a%E0%A4%A', 's3://bucket/%ZZ', 's3://bucket/%C3']) {
      assert.doesNotThrow(() => parseSource(raw), raw);
    }
  });

  test('property: https URLs parse to their own origin; never throws on URL-ish text without "%"', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ validSchemes: ['https', 'http'], withQueryParameters: true, withFragments: true }),
        (u) => {
          const s = parseSource(u);
          if (s) {
            assert.equal(s.kind, 'http');
            assert.equal(s.origin, new URL(u).origin);
          }
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }).filter((s) => !s.includes('%')),
        (tail) => {
          assert.doesNotThrow(() => parseSource(`s3://bucket/${tail}`));
          assert.doesNotThrow(() => parseSource(`https://h.example/${tail}`));
          assert.doesNotThrow(() => parseSource(tail));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('normalizeOrigin', () => {
  test('http(s) entries normalise to the URL origin form', () => {
    assert.equal(normalizeOrigin('https://a.example'), 'https://a.example');
    assert.equal(normalizeOrigin('https://a.example/'), 'https://a.example');
    assert.equal(normalizeOrigin('HTTPS://A.Example'), 'https://a.example');
    assert.equal(normalizeOrigin('https://a.example:443'), 'https://a.example');
    assert.equal(normalizeOrigin('http://a.example:80'), 'http://a.example');
    assert.equal(normalizeOrigin('https://a.example:444'), 'https://a.example:444');
    assert.equal(normalizeOrigin('http://127.0.0.1:9000'), 'http://127.0.0.1:9000');
  });

  test('s3 entries normalise to s3://bucket', () => {
    assert.equal(normalizeOrigin('s3://my-bucket'), 's3://my-bucket');
    assert.equal(normalizeOrigin('s3://my-bucket/'), 's3://my-bucket');
  });

  test('other entries are not origins', () => {
    for (const e of [
      'ftp://a.example',
      'a.example',
      '',
      's3://B',
      's3://ab',
      'https://u:p@a.example',
      'javascript:x',
    ]) {
      assert.equal(normalizeOrigin(e), undefined, e);
    }
  });
});

describe('isOriginAllowed', () => {
  const allow = ['https://a.example', 'http://local.test:8080', 's3://media-bucket'];

  test('exact origin matches, including the port and scheme', () => {
    assert.equal(isOriginAllowed(parsed('https://a.example/t/1.mp3'), allow), true);
    assert.equal(isOriginAllowed(parsed('https://a.example:443/t/1.mp3'), allow), true);
    assert.equal(isOriginAllowed(parsed('https://a.example:444/t/1.mp3'), allow), false);
    assert.equal(isOriginAllowed(parsed('http://a.example/t/1.mp3'), allow), false);
    assert.equal(isOriginAllowed(parsed('http://local.test:8080/x'), allow), true);
    assert.equal(isOriginAllowed(parsed('http://local.test/x'), allow), false);
    assert.equal(isOriginAllowed(parsed('https://local.test:8080/x'), allow), false);
  });

  test('https://a.example:444 on the list does not admit https://a.example', () => {
    assert.equal(isOriginAllowed(parsed('https://a.example/x'), ['https://a.example:444']), false);
    assert.equal(isOriginAllowed(parsed('https://a.example:444/x'), ['https://a.example:444']), true);
  });

  test('look-alike hosts are not admitted', () => {
    for (const u of [
      'https://a.example.evil.test/x',
      'https://evila.example/x',
      'https://b.a.example/x',
      'https://a.example.:443/x',
    ]) {
      assert.equal(isOriginAllowed(parsed(u), allow), false, u);
    }
  });

  test('s3 sources match their bucket only', () => {
    assert.equal(isOriginAllowed(parsed('s3://media-bucket/a/b.mp3'), allow), true);
    assert.equal(isOriginAllowed(parsed('s3://media-bucket2/a/b.mp3'), allow), false);
    assert.equal(isOriginAllowed(parsed('s3://other-bucket/a.mp3'), allow), false);
    // An https allowlist entry never admits an s3 bucket of the same name, nor the reverse.
    assert.equal(isOriginAllowed(parsed('s3://a.example/x'), ['https://a.example']), false);
    assert.equal(isOriginAllowed(parsed('https://media-bucket/x'), ['s3://media-bucket']), false);
  });

  test('an empty allowlist admits nothing', () => {
    assert.equal(isOriginAllowed(parsed('https://a.example/x'), []), false);
  });
});

describe('isPublicAddress', () => {
  test('private, loopback, link-local, CGNAT and unspecified IPv4 are not public', () => {
    for (const a of [
      '127.0.0.1',
      '127.255.255.254',
      '10.0.0.1',
      '10.255.255.255',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '192.168.255.255',
      '169.254.169.254',
      '169.254.0.1',
      '100.64.0.1',
      '100.127.255.255',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '192.0.2.1',
      '198.18.0.1',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
  });

  test('private IPv6: loopback, link-local, unique-local (incl. the EC2 metadata address), NAT64', () => {
    for (const a of [
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd00::1',
      'fd00:ec2::254',
      '64:ff9b::a00:1',
      '64:ff9b::7f00:1',
      'ff02::1',
      '2001:db8::1',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
  });

  test('IPv4-mapped IPv6 is judged by its IPv4 address, dotted or hex', () => {
    for (const a of [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::FFFF:7F00:1',
      '::ffff:10.0.0.1',
      '::ffff:a00:1',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '::127.0.0.1',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
    assert.equal(isPublicAddress('::ffff:8.8.8.8'), true);
    assert.equal(isPublicAddress('::ffff:808:808'), true);
  });

  test('every IPv6 form that embeds an IPv4 address is judged by it: compatible, translated, 6to4; Teredo is refused', () => {
    for (const a of [
      '::7f00:1',
      '::a00:1',
      '::a9fe:a9fe',
      '::ffff:0:7f00:1',
      '::ffff:0:127.0.0.1',
      '::ffff:0:a00:1',
      '2002:7f00:1::',
      '2002:a00:1::1',
      '2002:a9fe:a9fe:1::5',
      '2002:c0a8:101::',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      '0:0:0:0:0:ffff:7f00:1',
      '0000:0000:0000:0000:0000:0000:7f00:0001',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
    for (const a of ['::808:808', '::ffff:0:808:808', '2002:808:808::1']) assert.equal(isPublicAddress(a), true, a);
  });

  test('public addresses are public', () => {
    for (const a of [
      '8.8.8.8',
      '1.1.1.1',
      '172.15.255.255',
      '172.32.0.1',
      '100.63.255.255',
      '100.128.0.1',
      '169.253.255.255',
      '2606:4700:4700::1111',
      '2001:4860:4860::8888',
    ]) {
      assert.equal(isPublicAddress(a), true, a);
    }
  });

  test('text that is not an IP address is not public', () => {
    for (const a of [
      '',
      'localhost',
      'example.com',
      '[::1]',
      '8.8.8',
      '8.8.8.8.8',
      '999.1.1.1',
      '0x7f000001',
      '2130706433',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
  });

  test('property: every address in 10/8, 127/8, 172.16/12, 192.168/16 and 169.254/16 is refused, also IPv4-mapped', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const privateV4 = fc.oneof(
      fc.tuple(fc.constant(10), octet, octet, octet),
      fc.tuple(fc.constant(127), octet, octet, octet),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
      fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
      fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
    );
    fc.assert(
      fc.property(privateV4, ([a, b, c, d]) => {
        const v4 = `${a}.${b}.${c}.${d}`;
        const hex = `::ffff:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        assert.equal(isPublicAddress(v4), false, v4);
        assert.equal(isPublicAddress(`::ffff:${v4}`), false, `::ffff:${v4}`);
        assert.equal(isPublicAddress(hex), false, hex);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('mayConnect', () => {
  test('public addresses are always fine', () => {
    assert.equal(mayConnect('cdn.example', '8.8.8.8'), true);
    assert.equal(mayConnect('cdn.example', '2606:4700:4700::1111'), true);
    assert.equal(mayConnect('1.1.1.1', '1.1.1.1'), true);
  });

  test('a private address only when the host is that very IP literal', () => {
    assert.equal(mayConnect('127.0.0.1', '127.0.0.1'), true);
    assert.equal(mayConnect('[::1]', '::1'), true);
    assert.equal(mayConnect('::1', '::1'), true);
    assert.equal(mayConnect('10.0.0.5', '10.0.0.5'), true);
  });

  test('a name resolving to a private address is refused (DNS rebinding)', () => {
    assert.equal(mayConnect('evil.example', '127.0.0.1'), false);
    assert.equal(mayConnect('localhost', '127.0.0.1'), false);
    assert.equal(mayConnect('localhost', '::1'), false);
    assert.equal(mayConnect('metadata.example', '169.254.169.254'), false);
    assert.equal(mayConnect('evil.example', 'fd00:ec2::254'), false);
    assert.equal(mayConnect('evil.example', '::ffff:127.0.0.1'), false);
  });

  test('a different IP literal does not admit a private address', () => {
    assert.equal(mayConnect('127.0.0.1', '127.0.0.2'), false);
    assert.equal(mayConnect('10.0.0.5', '10.0.0.6'), false);
    assert.equal(mayConnect('8.8.8.8', '127.0.0.1'), false);
    assert.equal(mayConnect('[::1]', '127.0.0.1'), false);
    assert.equal(mayConnect('127.0.0.1', '::1'), false);
  });

  test('non-IP "addresses" are refused', () => {
    assert.equal(mayConnect('evil.example', 'evil.example'), false);
    assert.equal(mayConnect('', ''), false);
  });
});
