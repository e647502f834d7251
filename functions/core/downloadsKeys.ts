/**
 * The downloads table's key layout. A session item, its container lists and its counts item
 * share the cookie's partition; its tracks are spread over TRACK_SHARDS partitions by
 * serviceTrackId; a user's list of sessions and a store's idempotency keys have partitions of
 * their own, whose `#` never appears in a cookie, so they cannot clash with one.
 */

export const SESSION_SK = 'session';
export const COUNTS_SK = 'counts';
export const containersSk = (i: number): string => `containers#${String(i).padStart(4, '0')}`;

export const userSessionsPk = (userId: string): string => `user#${userId}`;
// Ordered by creation; the digest, not the cookie, keeps entries apart, so a page's end can be
// handed to the listener as a cursor without handing over the store's cookie.
export const userSessionSk = (createdAt: string, id: string): string => `session#${createdAt}#${id}`;

/** Where a page of the user's sessions ends: the last entry's creation time and listener id. */
export interface UserSessionPosition {
  readonly createdAt: string;
  readonly id: string;
}

export function positionOfUserSessionSk(sk: unknown): UserSessionPosition | undefined {
  const m = typeof sk === 'string' ? /^session#([^#]+)#([^#]+)$/.exec(sk) : null;
  const [, createdAt, id] = m ?? [];
  return createdAt !== undefined && id !== undefined ? { createdAt, id } : undefined;
}

/**
 * A store's list of sessions is spread over this many partitions by cookie: one write per
 * session each, so a store opening 4,000 one-track sessions a second stays under DynamoDB's
 * 1,000 writes a second per partition. Its readers merge them by time.
 */
export const STORE_SESSION_SHARDS = 4;

export function storeSessionShard(cookie: string): number {
  let h = 0;
  for (let i = 0; i < cookie.length; i++) h = (h * 31 + cookie.charCodeAt(i)) >>> 0;
  return h % STORE_SESSION_SHARDS;
}

export const storeSessionsPk = (storeId: string, shard: number): string => `store#${storeId}#${shard}`;
// Ordered by creation: a store's event log walks its sessions oldest first from a day on.
export const storeSessionSk = (createdAt: string, cookie: string): string => `session#${createdAt}#${cookie}`;

/** Where a walk of the store's sessions stands: a session's creation time and cookie. */
export interface StoreSessionPosition {
  readonly createdAt: string;
  readonly cookie: string;
}

export const idempotencyPk = (storeId: string, keyHash: string): string => `idem#${storeId}#${keyHash}`;
export const IDEMPOTENCY_SK = 'idem';

export const trackSk = (id: number): string => `track#${String(id).padStart(10, '0')}`;

/** The serviceTrackId a `track#<id>` sort key names. */
export function idOfTrackSk(sk: unknown): number | undefined {
  return typeof sk === 'string' && sk.startsWith('track#') ? Number(sk.slice(6)) : undefined;
}

/**
 * A session's tracks are spread over this many partitions (`<cookie>#<shard>`), so one large
 * session is not one hot partition: 16 × 1,000 WCU/s. Changing it re-keys every live session.
 */
export const TRACK_SHARDS = 16;

/** The shard of a track: a multiplicative hash, so sequential and strided ids spread evenly. */
export function shardOf(serviceTrackId: number): number {
  return Math.imul(serviceTrackId >>> 0, 0x9e3779b1) >>> 28;
}

/** The partition key of a shard of a session's tracks. Cookies never hold `#`, so the suffix is unambiguous. */
export const shardPk = (cookie: string, shard: number): string => `${cookie}#${String(shard).padStart(2, '0')}`;

/** The partition key of a track's item. */
export const trackPk = (cookie: string, serviceTrackId: number): string => shardPk(cookie, shardOf(serviceTrackId));

/** The session's cookie of a track item's partition key (`<cookie>#<shard>`). */
export const cookieOfTrackPk = (pk: string): string => pk.split('#')[0] ?? pk;

/** Where a page of tracks stopped: the shard and the last serviceTrackId read in it. */
export interface TrackPosition {
  readonly shard: number;
  readonly after?: number | undefined;
}

/** The TTL of a session's items: `retentionSeconds` after `fromIso`, in epoch seconds. */
export function expiryOf(fromIso: string, retentionSeconds: number): number {
  return Math.floor(Date.parse(fromIso) / 1000) + retentionSeconds;
}
