import { BlockList, isIP } from 'node:net';

/** Where a track's bytes come from. */
export type Source =
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string; readonly origin: string }
  | { readonly kind: 'http'; readonly url: URL; readonly origin: string };

/** Parses a track URL; undefined for anything but `https:`, `http:` and `s3:` with a host. */
export function parseSource(raw: string): Source | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  if (url.protocol === 's3:') {
    // Bucket and key, nothing else: a port, a query (`?versionId=`) or a fragment would be
    // silently ignored, so the URL would not name what it seems to.
    if (!/^s3:\/\/[^/?#:@]+\/[^?#]+$/i.test(raw)) return undefined;
    let key: string;
    try {
      key = decodeURIComponent(url.pathname.replace(/^\//, ''));
    } catch {
      return undefined; // broken percent-encoding names no object
    }
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(url.hostname) || key === '') return undefined;
    return { kind: 's3', bucket: url.hostname, key, origin: `s3://${url.hostname}` };
  }
  if ((url.protocol === 'https:' || url.protocol === 'http:') && url.hostname) {
    return { kind: 'http', url, origin: url.origin };
  }
  return undefined;
}

/** An allowlist entry in the same form as `Source.origin`, so the two compare as strings. */
export function normalizeOrigin(entry: string): string | undefined {
  const s = parseSource(entry.endsWith('/') || entry.startsWith('s3://') ? entry : `${entry}/`);
  if (s?.kind === 'http') return s.origin;
  if (entry.startsWith('s3://')) {
    const bucket = entry.slice(5).replace(/\/$/, '');
    return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) ? `s3://${bucket}` : undefined;
  }
  return undefined;
}

export function isOriginAllowed(source: Source, allowOrigins: readonly string[]): boolean {
  return allowOrigins.some((e) => normalizeOrigin(e) === source.origin);
}

// Addresses a store's URL must never reach unless the allowlist names them literally:
// private, loopback, link-local (and with it the instance metadata service), CGNAT,
// multicast, reserved, and IPv6's unique-local, link-local and translation ranges.
const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv6');
}

/** True when an address is one a fetch may connect to without the allowlist naming it. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const words = ipv6Words(address);
    if (!words) return false;
    if (forbidden.check(address, 'ipv6')) return false;
    // Teredo (2001:0::/32) hides its client's IPv4 address: refused.
    if (words[0] === 0x2001 && words[1] === 0) return false;
    const embedded = embeddedIPv4(words);
    return embedded === undefined || isPublicAddress(embedded);
  }
  return !forbidden.check(address, 'ipv4');
}

/**
 * The IPv4 address an IPv6 one carries, in the forms that reach it: IPv4-compatible (::a.b.c.d),
 * IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d) and 6to4 (2002:aabb:ccdd::/48).
 */
function embeddedIPv4(w: readonly number[]): string | undefined {
  /** Words i and i + 1 as a dotted quad. */
  const v4 = (i: number) => {
    const hi = w[i];
    const lo = w[i + 1];
    if (hi === undefined || lo === undefined) throw new Error(`an IPv6 address has eight words, not ${w.length}`);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  };
  if (w[0] === 0x2002) return v4(1);
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && (w[5] === 0 || w[5] === 0xffff)) return v4(6);
  if (zeros(0, 4) && w[4] === 0xffff && w[5] === 0) return v4(6);
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (`::` and a trailing dotted quad expanded). */
function ipv6Words(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((x) => Number.parseInt(x, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const words =
    tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.length === 8 && words.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? words : undefined;
}

/**
 * May the fetch connect to `address` for `host`? Public addresses always; a private one only
 * when the allowlisted host is that very IP literal (e.g. the sandbox's `http://127.0.0.1:…`),
 * so a public name that resolves to a private address (DNS rebinding) is refused.
 */
export function mayConnect(host: string, address: string): boolean {
  if (isPublicAddress(address)) return true;
  const literal = host.replace(/^\[|\]$/g, '');
  return isIP(literal) !== 0 && literal === address;
}
