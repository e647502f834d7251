import { createHash, randomBytes } from 'node:crypto';

/** A new store API key: shown once to the operator, only its hash is kept. */
export function newApiKey(): string {
  return `tdk_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A session cookie: unguessable, URL-safe. */
export function newCookie(): string {
  return randomBytes(18).toString('base64url');
}
