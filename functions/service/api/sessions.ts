import type { CancelAnswer, SessionStatusAnswer } from '../../core/answers.js';
import { newCookie } from '../../core/apiKey.js';
import { decodeCursor, encodeCursor, sessionCursorSchema } from '../../core/cursor.js';
import { TRACK_SHARDS } from '../../core/downloadsKeys.js';
import { ApiError } from '../../core/errors.js';
import { formatHResult, HR } from '../../core/hresult.js';
import type { SessionRef } from '../../core/queueMessages.js';
import { sha256Hex } from '../../core/signature.js';
import type { Session, Store } from '../../core/storedRecords.js';
import { itemIdFor, keyForStore } from '../../core/storeView.js';
import { countStates } from '../../core/trackState.js';
import { cancelTracks } from '../cancelTracks.js';
import type { ApiDeps } from '../deps.js';
import { refuseErasedUser } from '../erasure/erasureGate.js';
import { recountIfStale } from '../recount.js';

export interface OpenSessionInput {
  readonly userId: string;
  readonly transactionType?: Session['transactionType'] | undefined;
  readonly containers?: Session['containers'] | undefined;
}

/**
 * The protocol's Download(containerList, cookie): a new session bound to the store and user.
 * The store also gets a `Download` event for it, sent through the completions queue with retries.
 */
export async function openSession(
  deps: ApiDeps,
  store: Store,
  input: OpenSessionInput,
  idempotencyKey?: string,
): Promise<Session> {
  await refuseErasedUser(deps, input.userId);
  let cookie = newCookie();
  if (idempotencyKey !== undefined) {
    // A retry with the same key gets the same session; the same key with another body is a mistake.
    const fingerprint = sha256Hex(JSON.stringify(input));
    const claimed = await deps.sessions.claimIdempotencyKey(
      store.storeId,
      sha256Hex(idempotencyKey),
      cookie,
      fingerprint,
    );
    if (claimed.fingerprint !== fingerprint) {
      throw new ApiError(
        409,
        'idempotency_key_reused',
        'this Idempotency-Key was used for another request',
        HR.E_INVALIDARG,
      );
    }
    cookie = claimed.cookie;
    const existing = await deps.sessions.get(cookie);
    if (existing) {
      if (!existing.notifiedAt) await askAgainForDownloadEvent(deps, existing);
      return existing;
    }
  }
  const session: Session = {
    cookie,
    storeId: store.storeId,
    userId: input.userId,
    transactionType: input.transactionType ?? 'download',
    containers: input.containers ?? [],
    createdAt: new Date().toISOString(),
  };
  // The user's and the store's lists first: a session is never without them, and a list entry
  // whose session was never written is skipped by its readers.
  await deps.sessions.index(session);
  if (!(await deps.sessions.create(session))) {
    // A concurrent retry with the same key made it first: its session, and its event.
    await askAgainForDownloadEvent(deps, session);
    return (await deps.sessions.get(cookie)) ?? session;
  }
  await deps.completionsQueue.send([{ kind: 'session', cookie: session.cookie, storeId: session.storeId }]);
  return session;
}

/**
 * A retry's ask for the session's `Download` event, delayed: it repairs an event the first
 * request never queued, while the first request's own event, told by then, makes it a no-op
 * (fifty concurrent retries of one open would otherwise each tell the store).
 */
function askAgainForDownloadEvent(deps: ApiDeps, session: SessionRef): Promise<void> {
  const ask = { kind: 'session', cookie: session.cookie, storeId: session.storeId } as const;
  return deps.completionsQueue.send([ask], deps.settings.limits.sessionRepairDelaySeconds);
}

/** The session, if it exists and belongs to this store; another store's cookie looks unknown. */
export async function sessionOf(deps: ApiDeps, store: Store, cookie: string): Promise<Session> {
  const session = await deps.sessions.get(cookie);
  if (!session || session.storeId !== store.storeId) {
    throw new ApiError(404, 'session_not_found', 'no download session with this cookie', HR.E_INVALIDARG);
  }
  return session;
}

/**
 * Session status: the counts (one small item, whatever the session's size) and one page of
 * tracks, projected to what a store needs. A session of up to `limit` tracks answers in one
 * page, as it always did; a larger one carries `next` for the following page.
 */
export async function sessionStatus(
  deps: ApiDeps,
  store: Store,
  cookie: string,
  limit: number,
  next?: string,
): Promise<SessionStatusAnswer> {
  const listing = `session:${cookie}`;
  const from = next === undefined ? undefined : decodeCursor(sessionCursorSchema, next, listing);
  if (from && from.s >= TRACK_SHARDS)
    throw new ApiError(400, 'invalid_request', 'next: not a cursor from this listing', HR.E_INVALIDARG);
  const [session, counts] = await Promise.all([sessionOf(deps, store, cookie), deps.counts.get(cookie, true)]);
  const total = Object.values(counts.counts).reduce((a, b) => a + b, 0);
  const page = await deps.tracks.page(cookie, limit, from ? { shard: from.s, after: from.a } : undefined, total);
  const cancelledAt = session.cancelledAt ?? counts.cancelledAt;
  // A session that fits in this one page is counted from its tracks, exactly as before; a
  // larger one reports its counts item, kept per batch (a batch whose function died before its
  // count write, or whose write is still on its way, is missing from it for a while).
  const whole = from === undefined && page.next === undefined;
  const exact = whole ? countStates(page.tracks.map((t) => t.state)) : undefined;
  // Counts that lost a batch's write are put right in the background (service/recount.ts).
  await recountIfStale(deps, session, counts, exact).catch((err: unknown) =>
    deps.logger.error('recount not asked for', { cookie, error: err instanceof Error ? err : String(err) }),
  );
  return {
    cookie,
    userId: session.userId,
    createdAt: session.createdAt,
    ...(cancelledAt ? { cancelledAt } : {}),
    counts: exact ?? counts.counts,
    tracks: page.tracks.map((t) => ({
      serviceTrackId: t.serviceTrackId,
      state: t.state,
      ...(t.hrResult !== undefined ? { hrResult: formatHResult(t.hrResult) } : {}),
      ...(t.item
        ? {
            key: keyForStore(session.userId, t.serviceTrackId, t.item),
            itemId: itemIdFor(session.userId, session.storeId, t.serviceTrackId),
          }
        : {}),
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.notifiedAt ? { notifiedAt: t.notifiedAt } : {}),
    })),
    ...(page.next
      ? {
          next: encodeCursor(
            sessionCursorSchema,
            { v: 1, s: page.next.shard, ...(page.next.after !== undefined ? { a: page.next.after } : {}) },
            listing,
          ),
        }
      : {}),
  };
}

/**
 * Cancel, in a fixed number of requests whatever the session's size: marks the session
 * cancelled and hands the work to the completion function, one chunk chain per shard (see
 * cancelChunk). Workers skip the queued tracks of a cancelled session before fetching. Every
 * track not yet stored ends `cancelled` (E_ABORT) with one DownloadTrackComplete; stored tracks
 * finish normally. `cancelled` is the number of tracks queued when the cancel was taken.
 */
export async function cancelSession(deps: ApiDeps, store: Store, cookie: string): Promise<CancelAnswer> {
  await sessionOf(deps, store, cookie);
  const counts = await cancelTracks(deps, cookie, store.storeId);
  return { cancelled: counts.counts.queued, state: 'cancelling' };
}
