import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Callback signatures: `Trackdrop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * During a secret rotation there is one `v1=` per active secret, so a store may verify with
 * either its old or its new secret. Stores verify with @trackdrop/store-client's verifier
 * (packages/store-client/src/signature.ts); its tests check it against this signer.
 */
export function signPayload(secrets: readonly string[], body: string, unixSeconds: number): string {
  const parts = [`t=${unixSeconds}`];
  for (const secret of secrets) parts.push(`v1=${hmacHex(secret, `${unixSeconds}.${body}`)}`);
  return parts.join(',');
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
