import { sha256Hex } from './signature.js';

/**
 * The id a listener knows a download session by. The cookie stays the store's (with the
 * store's key it acts on the session), so the listener's API, its cursors included, shows
 * only this one-way digest of it.
 */
export function listenerSessionId(cookie: string): string {
  return sha256Hex(cookie).slice(0, 24);
}
