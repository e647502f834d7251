import { createHash, randomBytes } from 'node:crypto';

/** A new store API key: shown once to the operator, only its hash is kept. */
export function newApiKey(): string {
  return `tdk_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * A session cookie: unguessable, URL-safe, and starting with a letter, so that it can be given
 * to a command line as it is (one starting with `-` reads as an option).
 */
export function newCookie(): string {
  return `s${randomBytes(18).toString('base64url')}`;
}
