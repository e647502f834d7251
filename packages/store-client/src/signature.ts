import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a check of a `Trackdrop-Signature` header found. */
export type SignatureVerdict =
  /** A `v1=` is the HMAC of the body with one of the secrets, within the tolerance. */
  | 'valid'
  /** No header, or an empty one. */
  | 'missing'
  /** Not `t=<unix seconds>` and at least one `v1=<64 hex digits>`. */
  | 'malformed'
  /** Its `t` is further from now than the tolerance (a replay, or a clock far off). */
  | 'stale'
  /** No `v1=` matches: another secret, or a body changed on the way. */
  | 'mismatch';

export interface SignatureCheck {
  /** The store's signing secret; while it rotates its own copy, the old and the new one. */
  readonly secret: string | readonly string[];
  /** The `Trackdrop-Signature` header as it came. */
  readonly header: string | null | undefined;
  /** The body as received, before any JSON parsing: the bytes, or their UTF-8 text. */
  readonly rawBody: string | Uint8Array;
  /** The oldest (or furthest ahead) timestamp taken, in seconds from now; 300 by default. */
  readonly toleranceSeconds?: number;
  /** Now, in unix seconds (the clock by default). */
  readonly nowSeconds?: number;
}

const hex64 = /^[0-9a-f]{64}$/i;

/**
 * Checks `t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (one `v1=` per secret
 * trackdrop signs with while a secret rotates), comparing in constant time.
 */
export function signatureVerdict(check: SignatureCheck): SignatureVerdict {
  const header = check.header?.trim();
  if (!header) return 'missing';
  const stamps: string[] = [];
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (at < 0) return 'malformed';
    if (key === 't') stamps.push(value);
    else if (key === 'v1' && hex64.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  const [stamp] = stamps;
  if (stamps.length !== 1 || stamp === undefined || !/^\d+$/.test(stamp) || signatures.length === 0) return 'malformed';
  const t = Number(stamp);
  const now = check.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (check.toleranceSeconds ?? 300)) return 'stale';
  const secrets = typeof check.secret === 'string' ? [check.secret] : check.secret;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = createHmac('sha256', secret).update(`${stamp}.`, 'utf8').update(check.rawBody).digest();
    // Every candidate is compared, so the time taken does not say which one matched.
    if (signatures.map((given) => timingSafeEqual(given, expected)).includes(true)) return 'valid';
  }
  return 'mismatch';
}

/** Whether the header is a valid signature of the body (see signatureVerdict for why not). */
export function verifySignature(check: SignatureCheck): boolean {
  return signatureVerdict(check) === 'valid';
}
