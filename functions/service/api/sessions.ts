import { newCookie } from '../../core/apiKey.js';
import { sha256Hex } from '../../core/signature.js';
import { ApiError } from '../../core/errors.js';
import { formatHResult, HR } from '../../core/hresult.js';
import { itemIdFor, keyForStore } from '../../core/storeView.js';
import { countStates } from '../../core/trackState.js';
import type { Session, Store, Track } from '../../core/types.js';
import type { ApiDeps } from '../deps.js';

export interface OpenSessionInput {
  readonly userId: string;
  readonly transactionType?: Session['transactionType'] | undefined;
  readonly containers?: Session['containers'] | undefined;
}

/**
 * The protocol's Download(containerList, cookie): a new session bound to the store and user.
 * The store also gets a `Download` event for it, sent through the completions queue with retries.
 */
export async function openSession(deps: ApiDeps, store: Store, input: OpenSessionInput, idempotencyKey?: string): Promise<Session> {
  let cookie = newCookie();
  if (idempotencyKey !== undefined) {
    // A retry with the same key gets the same session; the same key with another body is a mistake.
    const fingerprint = sha256Hex(JSON.stringify(input));
    const claimed = await deps.downloads.claimIdempotencyKey(store.storeId, sha256Hex(idempotencyKey), cookie, fingerprint);
    if (claimed.fingerprint !== fingerprint) {
      throw new ApiError(409, 'idempotency_key_reused', 'this Idempotency-Key was used for another request', HR.E_INVALIDARG);
    }
    cookie = claimed.cookie;
    const existing = await deps.downloads.getSession(cookie);
    if (existing) {
      if (!existing.notifiedAt) await deps.completionsQueue.send([{ kind: 'session', cookie }]);
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
  // The user's list first: a session is never without it, and a list entry whose session was
  // never written is skipped by the reader.
  await deps.downloads.indexForUser(session);
  await deps.downloads.createSession(session);
  await deps.completionsQueue.send([{ kind: 'session', cookie: session.cookie }]);
  return session;
}

/** The session, if it exists and belongs to this store; another store's cookie looks unknown. */
export async function sessionOf(deps: ApiDeps, store: Store, cookie: string): Promise<Session> {
  const session = await deps.downloads.getSession(cookie);
  if (!session || session.storeId !== store.storeId) {
    throw new ApiError(404, 'session_not_found', 'no download session with this cookie', HR.E_INVALIDARG);
  }
  return session;
}

export async function sessionStatus(deps: ApiDeps, store: Store, cookie: string) {
  const session = await sessionOf(deps, store, cookie);
  const tracks = await deps.downloads.listTracks(cookie);
  return {
    cookie,
    userId: session.userId,
    createdAt: session.createdAt,
    ...(session.cancelledAt ? { cancelledAt: session.cancelledAt } : {}),
    counts: countStates(tracks.map((t) => t.state)),
    tracks: tracks.map((t) => ({
      serviceTrackId: t.serviceTrackId,
      state: t.state,
      ...(t.hrResult !== undefined ? { hrResult: formatHResult(t.hrResult) } : {}),
      ...(t.item ? { key: keyForStore(t.userId, t.serviceTrackId, t.item), itemId: itemIdFor(t.userId, t.storeId, t.serviceTrackId) } : {}),
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.notifiedAt ? { notifiedAt: t.notifiedAt } : {}),
    })),
  };
}

/**
 * Cancel: every track not yet stored ends `cancelled` with E_ABORT, and the store gets its
 * DownloadTrackComplete for each. Tracks already stored finish normally.
 */
export async function cancelSession(deps: ApiDeps, store: Store, cookie: string): Promise<{ cancelled: number }> {
  await sessionOf(deps, store, cookie);
  await deps.downloads.markSessionCancelled(cookie);
  const tracks = await deps.downloads.listTracks(cookie);
  const cancelled: Track[] = [];
  const fields = { hrResult: HR.E_ABORT, reason: 'session cancelled' };
  for (const t of tracks.filter((t) => t.state === 'queued')) {
    const updatedAt = await deps.downloads.transition(cookie, t.serviceTrackId, 'cancelled', fields);
    if (updatedAt) cancelled.push({ ...t, ...fields, state: 'cancelled', updatedAt });
  }
  await deps.completionsQueue.send(cancelled.map((track) => ({ kind: 'track' as const, cookie, serviceTrackId: track.serviceTrackId, track })));
  return { cancelled: cancelled.length };
}
