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
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms are judged by their IPv4 address.
    const mapped = /^::(ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[2];
    if (mapped) return isPublicAddress(mapped);
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
    if (hexMapped?.[1] && hexMapped[2]) {
      const hi = Number.parseInt(hexMapped[1], 16);
      const lo = Number.parseInt(hexMapped[2], 16);
      return isPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return !forbidden.check(address, 'ipv6');
  }
  return !forbidden.check(address, 'ipv4');
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
