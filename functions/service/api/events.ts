import type * as z from 'zod/mini';
import type { DeliveryFailure } from '../../adapters/deliveryFailures.js';
import type { EventEntry, EventsPage, RedeliveryAnswer } from '../../core/answers.js';
import { downloadEventId, type EventType, trackEventId } from '../../core/callbackEvents.js';
import { decodeCursor, encodeCursor, eventsCursorSchema } from '../../core/cursor.js';
import { STORE_SESSION_SHARDS, type StoreSessionPosition, TRACK_SHARDS } from '../../core/downloadsKeys.js';
import { ApiError } from '../../core/errors.js';
import { formatHResult, HR } from '../../core/hresult.js';
import type { Session, Store, TrackEventFacts } from '../../core/storedRecords.js';
import { outcomeOf } from '../completion/callbackPayloads.js';
import type { ApiDeps } from '../deps.js';

/** Reads one page may make at most, whatever it finds: a page answers well inside API Gateway's 30 s. */
const READS_PER_PAGE = 64;
/** Sessions read from the store's list at a time. */
const SESSIONS_PER_READ = 25;

export interface EventsQuery {
  readonly limit: number;
  readonly after?: string | undefined;
  readonly type?: EventType | undefined;
  /** Only sessions opened after this moment. */
  readonly since?: string | undefined;
}

/**
 * The store's event log: the events of its sessions opened in the last `callbacks.eventLogDays`
 * days, session by session (oldest first), each session's `Download` and then its tracks'
 * DownloadTrackComplete, with how each delivery went. Rebuilt from the sessions and tracks the
 * pipeline keeps, so a healthy delivery costs no write for it. A page stops at `limit` events or
 * after READS_PER_PAGE reads; `next` then says where the following one starts, even when this
 * page holds fewer events than asked for.
 */
export async function listEvents(deps: ApiDeps, store: Store, query: EventsQuery): Promise<EventsPage> {
  const listing = `events:${store.storeId}`;
  // Never further back than the sessions are kept: older ones are gone.
  const days = Math.min(deps.settings.callbacks.eventLogDays, deps.settings.retention.finishedSessionDays);
  const windowStart = Date.now() - days * 86_400_000;
  const asked = query.since === undefined ? windowStart : Date.parse(query.since);
  const since = new Date(Math.max(windowStart, asked)).toISOString();
  const at = query.after === undefined ? undefined : decodeCursor(eventsCursorSchema, query.after, listing);
  const events: EventEntry[] = [];
  const wants = (type: EventType) => query.type === undefined || query.type === type;
  let reads = 0;

  /** Lists one session's events from `inside` on; where the page stops, if it stops in or right after it. */
  const walk = async (ref: StoreSessionPosition, inside?: EventsCursor): Promise<EventsCursor | undefined> => {
    const done: EventsCursor = { v: 1, t: ref.createdAt, c: ref.cookie };
    const session = await deps.sessions.get(ref.cookie);
    reads += 1;
    // An entry whose session was never written (a request that died in between) has no events,
    // and neither has a second entry of one session (a retried open that wrote its own).
    if (!session || session.storeId !== store.storeId || session.createdAt !== ref.createdAt)
      return reads >= READS_PER_PAGE ? done : undefined;
    if (!inside?.d && wants('Download')) {
      if (events.length >= query.limit) return { ...done, s: 0 };
      events.push(downloadEntry(session));
    }
    let shard = inside?.s ?? 0;
    let after = inside?.a;
    while (wants('DownloadTrackComplete') && shard < TRACK_SHARDS) {
      const room = query.limit - events.length;
      if (room <= 0 || reads >= READS_PER_PAGE)
        return { ...done, s: shard, d: 1, ...(after === undefined ? {} : { a: after }) };
      const chunk = await deps.tracks.eventFactsOfShard(session.cookie, shard, room, after);
      reads += 1;
      for (const t of chunk.tracks) {
        const entry = trackEntry(session, t);
        if (entry) events.push(entry);
      }
      if (chunk.next !== undefined) after = chunk.next;
      else {
        shard += 1;
        after = undefined;
      }
    }
    return reads >= READS_PER_PAGE ? done : undefined;
  };

  const page = (stop: EventsCursor): EventsPage => ({ events, next: encodeCursor(eventsCursorSchema, stop, listing) });
  let from: StoreSessionPosition | undefined = at && { createdAt: at.t, cookie: at.c };
  // A page that stopped inside a session goes on inside it, unless it has left the window since.
  if (at?.s !== undefined && from && at.t > since) {
    const stop = await walk(from, at);
    if (stop) return page(stop);
  }
  for (;;) {
    const listed = await deps.sessions.ofStore(store.storeId, since, SESSIONS_PER_READ, from);
    reads += STORE_SESSION_SHARDS;
    for (const ref of listed.sessions) {
      const stop = await walk(ref);
      if (stop) return page(stop);
    }
    if (listed.next === undefined) return { events };
    from = listed.next;
    if (reads >= READS_PER_PAGE) return page({ v: 1, t: from.createdAt, c: from.cookie });
  }
}

type EventsCursor = z.output<typeof eventsCursorSchema>;

function downloadEntry(session: Session): EventEntry {
  return {
    id: downloadEventId(session.cookie),
    type: 'Download',
    created: session.createdAt,
    cookie: session.cookie,
    ...delivery(session.notifiedAt, session.deliveryFailures, session.lastDelivery),
  };
}

/** A track's DownloadTrackComplete, once it ended; none for a queued track or a declined one (never reported). */
function trackEntry(session: Session, t: TrackEventFacts): EventEntry | undefined {
  if (t.state === 'queued' || t.state === 'declined') return undefined;
  return {
    id: trackEventId(session.cookie, t.serviceTrackId),
    type: 'DownloadTrackComplete',
    created: t.endedAt ?? t.updatedAt,
    cookie: session.cookie,
    serviceTrackId: t.serviceTrackId,
    hrResult: formatHResult(outcomeOf(t)),
    ...delivery(
      t.state === 'completed' ? (t.notifiedAt ?? t.updatedAt) : t.notifiedAt,
      t.deliveryFailures,
      t.lastDelivery,
    ),
  };
}

function delivery(
  notifiedAt: string | undefined,
  failures: number | undefined,
  last: DeliveryFailure | undefined,
): Pick<EventEntry, 'delivered' | 'attempts' | 'lastAttemptAt' | 'lastStatus' | 'lastError'> {
  const delivered = notifiedAt !== undefined;
  return {
    delivered,
    attempts: (failures ?? 0) + (delivered ? 1 : 0),
    ...(delivered ? { lastAttemptAt: notifiedAt } : last ? { lastAttemptAt: last.at } : {}),
    ...(last?.status !== undefined ? { lastStatus: last.status } : {}),
    ...(last?.error !== undefined ? { lastError: last.error } : {}),
  };
}

/**
 * Sends one event again now, with its own event id: through the completions queue, as every
 * callback is sent, so a store still down gets it retried like any other. A delivery that was
 * owed (past the retry window, say) ends the track as a first delivery would.
 */
export async function redeliverEvent(deps: ApiDeps, store: Store, eventId: string): Promise<RedeliveryAnswer> {
  const ref = await deps.events.find(eventId);
  // Another store's event looks unknown, as a missing one does.
  if (!ref || ref.storeId !== store.storeId)
    throw new ApiError(404, 'event_not_found', 'no event of this store with this id', HR.E_INVALIDARG);
  if (ref.kind === 'track') {
    const track = await deps.tracks.get(ref.cookie, ref.serviceTrackId);
    if (!track || track.state === 'queued' || track.state === 'declined')
      throw new ApiError(
        409,
        'event_not_ready',
        'the track has not ended yet: its event is sent when it does',
        HR.E_FAIL,
      );
    await deps.completionsQueue.send([
      {
        kind: 'track',
        cookie: ref.cookie,
        storeId: store.storeId,
        serviceTrackId: ref.serviceTrackId,
        redeliver: true,
      },
    ]);
  } else {
    await deps.completionsQueue.send([
      { kind: 'session', cookie: ref.cookie, storeId: store.storeId, redeliver: true },
    ]);
  }
  return { eventId, state: 'queued' };
}
