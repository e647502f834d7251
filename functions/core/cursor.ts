import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { ApiError } from './errors.js';
import { HR } from './hresult.js';

/**
 * Paging cursors: opaque to stores (base64url of a small JSON object), and strictly checked on
 * the way back in. A cursor only names a position (a shard and a uint32 content ID); the key
 * it starts from is rebuilt from the path's own cookie or user and the caller's store, so a
 * forged cursor can move within the caller's own listing, never out of it. Each carries a tag
 * of the listing that issued it (`l`), so one passed to another listing is refused.
 */
const uint32 = z.int().check(z.minimum(0), z.maximum(0xffff_ffff));

export const sessionCursorSchema = z.strictObject({
  v: z.literal(1),
  s: z.int().check(z.minimum(0), z.maximum(255)),
  a: z.optional(uint32),
});
export const libraryCursorSchema = z.strictObject({ v: z.literal(1), a: uint32 });
/** The listener's library runs across stores: a position is a store and a content ID. */
/** The listener's sessions, newest first: a creation time and the session's listener id (never its cookie). */
export const listenerSessionsCursorSchema = z.strictObject({
  v: z.literal(1),
  t: z.string().check(z.regex(/^[0-9A-Za-z:.+-]{1,40}$/)),
  i: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
});
/** A store's event log: a session (creation time and cookie) and, inside it, a shard and a content ID. */
export const eventsCursorSchema = z.strictObject({
  v: z.literal(1),
  t: z.string().check(z.regex(/^[0-9A-Za-z:.+-]{1,40}$/)),
  c: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/)),
  /** Where its tracks stand; absent: the session is done. */
  s: z.optional(z.int().check(z.minimum(0), z.maximum(255))),
  a: z.optional(uint32),
  /** Its `Download` event was listed. */
  d: z.optional(z.literal(1)),
});
export const listenerLibraryCursorSchema = z.strictObject({
  v: z.literal(1),
  s: z.string().check(z.regex(/^[^#]{1,200}$/)),
  a: uint32,
});

/** The listing a cursor belongs to, as a short tag: a session's cookie, a user's library on one route. */
const tagOf = (listing: string): string => createHash('sha256').update(listing).digest('base64url').slice(0, 11);

export function encodeCursor<S extends z.ZodMiniType>(
  _schema: S,
  value: z.output<S> & object,
  listing: string,
): string {
  return Buffer.from(JSON.stringify({ ...value, l: tagOf(listing) }), 'utf8').toString('base64url');
}

/** The position a cursor names; 400 `invalid_request` for anything trackdrop did not issue for this `listing`. */
export function decodeCursor<S extends z.ZodMiniType>(schema: S, cursor: string, listing: string): z.output<S> {
  const bad = new ApiError(400, 'invalid_request', 'next: not a cursor from this listing', HR.E_INVALIDARG);
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw bad;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (typeof parsed !== 'object' || parsed === null || !('l' in parsed) || parsed.l !== tagOf(listing)) throw bad;
  const { l: _l, ...position } = parsed;
  const out = schema.safeParse(position);
  if (!out.success) throw bad;
  return out.data;
}
