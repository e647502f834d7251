import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Callback signatures: `Trackdrop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * During a secret rotation there is one `v1=` per active secret, so a store may verify with
 * either its old or its new secret.
 */
export function signPayload(secrets: readonly string[], body: string, unixSeconds: number): string {
  const parts = [`t=${unixSeconds}`];
  for (const secret of secrets) parts.push(`v1=${hmacHex(secret, `${unixSeconds}.${body}`)}`);
  return parts.join(',');
}

export interface VerifyOptions {
  readonly nowSeconds: number;
  /** Oldest accepted timestamp, in seconds before now. */
  readonly toleranceSeconds?: number;
}

/** What a store does on receipt, as docs/callbacks.md shows it; stores use the store client's verifier. */
export function verifySignature(secret: string, header: string, body: string, opts: VerifyOptions): boolean {
  const fields = header.split(',').map((p) => p.trim().split('='));
  const t = Number(fields.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t)) return false;
  if (Math.abs(opts.nowSeconds - t) > (opts.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(hmacHex(secret, `${t}.${body}`), 'hex');
  return fields
    .filter(([k]) => k === 'v1')
    .some(([, v]) => {
      const given = Buffer.from(v ?? '', 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data, 'utf8').digest('hex');
}

/** A stable id for one outcome: every retry of the same callback carries it. */
export function eventIdFor(...parts: readonly (string | number)[]): string {
  return `evt_${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
}

export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
