import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliveryFailure } from '../../adapters/deliveryFailures.js';
import { isCompletionOwed } from '../../core/completionOwed.js';
import { HR } from '../../core/hresult.js';
import { mapLimit } from '../../core/mapLimit.js';
import { memoize } from '../../core/memoize.js';
import { completionMessageSchema } from '../../core/queueMessages.js';
import type { LibraryItem, Store, Track } from '../../core/storedRecords.js';
import type { CompletionDeps } from '../deps.js';
import { parseRecords, poisonError } from '../queueRecords.js';
import { recountStep } from '../recount.js';
import { StateTally } from '../stateTally.js';
import { downloadPayload, trackCompletePayload, userErasedPayload } from './callbackPayloads.js';
import { fromSlowLane, sendCallback } from './slowLane.js';

export class CallbackFailedError extends Error {
  override readonly name = 'CallbackFailedError';
}

/**
 * The completion function: adds stored tracks to the library, then tells the store. A callback
 * that fails is retried through the queue with exponential backoff; the track is `completed`
 * only once the store answered 2xx.
 */
export async function processCompletions(deps: CompletionDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const storeOf = memoize((id: string) => deps.stores.get(id));
  // Repeats of one session's event in a batch are told once.
  const announce = memoize((cookie: string) => announceSession(deps, cookie, storeOf, false));
  const messages = parseRecords(deps.logger, 'completions', event.Records, completionMessageSchema);
  // The batch's library rows first, in one BatchWriteItem: each is in place before its callback.
  await deps.library.putMany(
    await newerRowsOnly(
      deps,
      [...messages.values()].flatMap((m) => (m?.kind === 'track' && m.track ? libraryRowsOf(m.track) : [])),
    ),
  );
  const moves = new StateTally();
  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const msg = messages.get(record.messageId);
      if (!msg) throw poisonError('completions');
      const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
      if (msg.kind === 'cancel') return cancelChunk(deps, msg, attempt > 1, moves);
      if (msg.kind === 'recount') return recountStep(deps, msg);
      const slowLane = fromSlowLane(deps, record);
      // A slow store's callback is sent on to the slow lane, not made here (slowLane.ts).
      if (!slowLane && deps.slowStores.isSlow(msg.storeId))
        return deps.slowLane.sendSoon(msg.kind === 'userErased' ? msg : { ...msg, storeId: msg.storeId });
      const delivered =
        msg.kind === 'track'
          ? await completeTrack(deps, msg, storeOf, moves)
          : msg.kind === 'userErased'
            ? await tellUserErased(deps, msg, storeOf)
            : msg.redeliver
              ? await announceSession(deps, msg.cookie, storeOf, true)
              : await announce(msg.cookie);
      if (!delivered) {
        const queue = slowLane ? deps.slowLane : deps.completionsQueue;
        await queue.delay(record.receiptHandle, backoffSeconds(deps, attempt));
        throw new CallbackFailedError(`store callback failed (attempt ${attempt}); retrying later`);
      }
    },
    processor,
    { throwOnFullBatchFailure: false },
  );
  await moves.flush(deps);
  deps.telemetry.flush();
  return response;
}

/** A stored track's library row; none for S_FALSE (the row is there already) or other outcomes. */
/**
 * The rows to write, without those older than the row already there: a message delayed by a
 * failing callback still carries its track's first copy, and must not put it back over a
 * re-download's newer row (whose replaced file is gone). Nor those of a user under erasure.
 * One BatchGetItem per batch.
 */
async function newerRowsOnly(deps: CompletionDeps, rows: LibraryItem[]): Promise<LibraryItem[]> {
  if (rows.length === 0) return rows;
  const { rows: there, erasedUsers } = await deps.library.getMany(rows);
  const existing = new Map(there.map((r) => [`${r.userId}\u0000${r.storeId}\u0000${r.serviceTrackId}`, r]));
  return rows.filter((r) => {
    // A user being erased (or erased) gets no row back: the erasure is removing them.
    if (erasedUsers.has(r.userId)) return false;
    const row = existing.get(`${r.userId}\u0000${r.storeId}\u0000${r.serviceTrackId}`);
    return !row || row.addedAt <= r.addedAt;
  });
}

function libraryRowsOf(track: Track): LibraryItem[] {
  if (track.state !== 'stored' || !track.item || track.hrResult === HR.S_FALSE) return [];
  return [
    {
      ...track.item,
      userId: track.userId,
      storeId: track.storeId,
      serviceTrackId: track.serviceTrackId,
      cookie: track.cookie,
      addedAt: track.updatedAt,
    },
  ];
}

/** Exponential: base, 2×base, 4×base … capped; SQS allows at most 12 hours. */
export function backoffSeconds(deps: CompletionDeps, attempt: number): number {
  const { baseBackoffSeconds, maxBackoffSeconds } = deps.settings.callbacks;
  return Math.min(maxBackoffSeconds, 43_200, baseBackoffSeconds * 2 ** Math.max(0, attempt - 1));
}

type StoreOf = (id: string) => Promise<Store | undefined>;

/** True when nothing is left to do for this message. */
async function completeTrack(
  deps: CompletionDeps,
  msg: { cookie: string; serviceTrackId: number; track?: Track | undefined; redeliver?: true | undefined },
  storeOf: StoreOf,
  moves: StateTally,
): Promise<boolean> {
  // The worker's snapshot spares a read; a repeat it causes is a callback with the same event id.
  const track = msg.track ?? (await deps.tracks.get(msg.cookie, msg.serviceTrackId));
  if (!track) {
    deps.logger.warn('completion for an unknown track', msg);
    return true;
  }
  const log = { cookie: track.cookie, userId: track.userId, serviceTrackId: track.serviceTrackId };
  // A redelivery the store asked for is sent whether or not it was told; a track not yet ended has no event.
  if (msg.redeliver ? track.state === 'queued' || track.state === 'declined' : !isCompletionOwed(track)) return true;
  const store = await storeOf(track.storeId);
  if (!store) {
    deps.logger.error('completion for a store that no longer exists', log);
    return true;
  }
  // A message that carried the track had its row written with the batch.
  if (!msg.track) for (const row of await newerRowsOnly(deps, libraryRowsOf(track))) await deps.library.addOnce(row);
  const payload = trackCompletePayload(track);
  const res = await sendCallback(deps, store, payload.eventId, payload);
  if (!res.ok) {
    deps.logger.warn('callback failed', { ...log, status: res.status, error: res.error });
    deps.telemetry.count('CallbackFailures');
    // Kept for the store's event log; only a failed delivery writes it.
    await deps.tracks.recordDeliveryFailure(track.cookie, track.serviceTrackId, failureOf(res));
    return false;
  }
  // A redelivery of an event already told changes nothing of the track.
  const told = track.notifiedAt !== undefined || track.state === 'completed';
  if (told) deps.logger.info('event told again', log);
  else if (track.state !== 'stored') await deps.tracks.markNotified(track.cookie, track.serviceTrackId);
  else if (await deps.tracks.transition(track.cookie, track.serviceTrackId, 'completed')) {
    moves.add(track, 'completed', 'stored');
    deps.telemetry.count('TracksCompleted');
  }
  deps.logger.info('store told', { ...log, hrResult: payload.hrResult, eventId: payload.eventId });
  return true;
}

async function announceSession(
  deps: CompletionDeps,
  cookie: string,
  storeOf: StoreOf,
  redeliver: boolean,
): Promise<boolean> {
  const session = await deps.sessions.get(cookie);
  if (!session || (session.notifiedAt && !redeliver)) return true;
  const store = await storeOf(session.storeId);
  if (!store) return true;
  const payload = downloadPayload(session, await deps.sessions.containersOf(session));
  const res = await sendCallback(deps, store, payload.eventId, payload);
  if (!res.ok) {
    deps.logger.warn('Download event failed', { cookie, status: res.status, error: res.error });
    await deps.sessions.recordDeliveryFailure(cookie, failureOf(res));
    return false;
  }
  if (!session.notifiedAt) await deps.sessions.markNotified(cookie);
  return true;
}

/** A store's `UserErased` event; true once it took it (or the store is gone). */
async function tellUserErased(
  deps: CompletionDeps,
  msg: { storeId: string; userId: string; erasureId: string; erasedAt: string },
  storeOf: StoreOf,
): Promise<boolean> {
  const store = await storeOf(msg.storeId);
  if (!store) return true;
  const payload = userErasedPayload(msg);
  const res = await sendCallback(deps, store, payload.eventId, payload);
  if (!res.ok) {
    deps.logger.warn('UserErased event failed', { storeId: msg.storeId, status: res.status, error: res.error });
    deps.telemetry.count('CallbackFailures');
    return false;
  }
  deps.logger.info('store told', { storeId: msg.storeId, userId: msg.userId, event: 'UserErased' });
  return true;
}

/**
 * One chunk of a cancel: up to `cancelChunkTracks` tracks of one shard of the session. Its
 * queued tracks end `cancelled` (E_ABORT), each by a conditional write whose winner alone asks
 * for the track's DownloadTrackComplete (a worker that finds the session cancelled does the
 * same for the tracks it holds, so no track is announced twice). Then the next chunk of the
 * shard is queued. A redelivered chunk (a run that died part-way) also asks again for the
 * cancelled tracks of its chunk the store has not acknowledged; the completion skips a track
 * already told.
 */
async function cancelChunk(
  deps: CompletionDeps,
  msg: { cookie: string; storeId?: string | undefined; shard: number; after?: number | undefined },
  redelivered: boolean,
  moves: StateTally,
): Promise<void> {
  const chunk = await deps.tracks.chunkOfShard(
    msg.cookie,
    msg.shard,
    deps.settings.limits.cancelChunkTracks,
    msg.after,
  );
  const fields = { hrResult: HR.E_ABORT, reason: 'session cancelled' };
  const moved = await mapLimit(
    chunk.tracks.filter((t) => t.state === 'queued'),
    16,
    async (t): Promise<Track | undefined> => {
      const updatedAt = await deps.tracks.transition(t.cookie, t.serviceTrackId, 'cancelled', fields);
      return updatedAt ? { ...t, ...fields, state: 'cancelled', updatedAt } : undefined;
    },
  );
  const cancelled = moved.filter((t): t is Track => t !== undefined);
  for (const t of cancelled) moves.add(t, 'cancelled');
  deps.telemetry.count('TracksCancelled', cancelled.length);
  const repairs = redelivered ? chunk.tracks.filter((t) => t.state === 'cancelled' && !t.notifiedAt) : [];
  await deps.completionsQueue.send([
    ...cancelled.map((track) => ({
      kind: 'track' as const,
      cookie: track.cookie,
      storeId: track.storeId,
      serviceTrackId: track.serviceTrackId,
      track,
    })),
    ...repairs.map((t) => ({
      kind: 'track' as const,
      cookie: t.cookie,
      storeId: t.storeId,
      serviceTrackId: t.serviceTrackId,
    })),
  ]);
  if (chunk.next !== undefined)
    await deps.completionsQueue.send([
      { kind: 'cancel', cookie: msg.cookie, storeId: msg.storeId, shard: msg.shard, after: chunk.next },
    ]);
}

/** A failed delivery as the event log keeps it. */
function failureOf(res: {
  readonly status?: number | undefined;
  readonly error?: string | undefined;
}): DeliveryFailure {
  return { at: new Date().toISOString(), status: res.status, error: res.error };
}
