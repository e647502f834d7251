import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { MessageRefused } from '../../adapters/queues.js';
import { factKey, type TrackFacts, trackRefKey } from '../../adapters/trackFacts.js';
import { isCompletionOwed } from '../../core/completionOwed.js';
import { TrackFailure } from '../../core/errors.js';
import { formatHResult, HR } from '../../core/hresult.js';
import { memoize } from '../../core/memoize.js';
import { type DownloadMessage, downloadMessageSchema } from '../../core/queueMessages.js';
import type { Store, Track } from '../../core/storedRecords.js';
import type { TrackState } from '../../core/trackState.js';
import type { WorkerDeps } from '../deps.js';
import { parseRecords, poisonError } from '../queueRecords.js';
import { StateTally } from '../stateTally.js';
import { holdBatch } from './batchLease.js';
import { copyTrack, hashMismatch } from './copyTrack.js';
import { removeFilesOf, removeReplacedFiles } from './placeObject.js';

/** What the worker knows of the invocation it runs in. */
export interface WorkerInvocation {
  /** Milliseconds left before the function is stopped (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingMs?: () => number;
}

/** Longest reason kept with a failed track. */
const MAX_REASON_CHARS = 1000;

/**
 * The worker: a batch of approved tracks from the downloads queue. One BatchGetItem answers
 * every license, library and track-state question of the batch; then each track is copied on
 * its own, and only the tracks that must be retried are reported back to SQS.
 */
export async function processDownloads(
  deps: WorkerDeps,
  event: SQSEvent,
  invocation: WorkerInvocation = {},
): Promise<SQSBatchResponse> {
  const endsAt = Date.now() + (invocation.remainingMs?.() ?? deps.settings.functions.worker.timeoutSeconds * 1000);
  // First, before any read: from here a death costs the batch a lease, not the queue's timeout.
  const lease = await holdBatch(deps, event.Records);
  try {
    const response = await processBatch(deps, event, endsAt);
    const retried = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    await lease.end(event.Records.filter((r) => retried.has(r.messageId)));
    return response;
  } catch (err) {
    // The whole batch comes back: after its retry wait, as a reported failure would.
    await lease.end(event.Records);
    throw err;
  }
}

async function processBatch(deps: WorkerDeps, event: SQSEvent, endsAt: number): Promise<SQSBatchResponse> {
  const parsed = parseRecords(deps.logger, 'downloads', event.Records, downloadMessageSchema);
  const messages = [...parsed.values()];
  // One read for the batch; should it fail, each track reads its own, so the rule of the last
  // receive still holds for each.
  const batchFacts = await deps.trackFacts(messages).catch((err: unknown) => {
    deps.logger.warn('could not read the batch facts; reading per track', { error: err as Error });
    return undefined;
  });
  const storeOf = memoize((id: string) => deps.stores.get(id));
  // The same track twice in one batch (a store repeating DownloadTrack): one delivery does the work.
  const firstOf = new Map<string, string>();
  for (const r of event.Records) {
    const msg = parsed.get(r.messageId);
    if (msg && !firstOf.has(trackRefKey(msg))) firstOf.set(trackRefKey(msg), r.messageId);
  }

  const moves = new StateTally();
  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const msg = parsed.get(record.messageId);
      // Unreadable: the one kind of message left for the dead-letter queue.
      if (!msg) throw poisonError('downloads');
      if (firstOf.get(trackRefKey(msg)) !== record.messageId) return;
      const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
      await processOne(deps, msg, { facts: batchFacts, storeOf, receiveCount, endsAt, moves });
    },
    processor,
    { throwOnFullBatchFailure: false },
  );
  // The batch's moves out of `queued`, one counts write per session.
  await moves.flush(deps);
  deps.telemetry.flush();
  return response;
}

interface Attempt {
  readonly facts: TrackFacts | undefined;
  readonly storeOf: (id: string) => Promise<Store | undefined>;
  readonly receiveCount: number;
  /** When the invocation is stopped (epoch ms). */
  readonly endsAt: number;
  /** The batch's state moves, for its one counts write per session. */
  readonly moves: StateTally;
}

async function processOne(deps: WorkerDeps, msg: DownloadMessage, attempt: Attempt): Promise<void> {
  const log = {
    cookie: msg.cookie,
    userId: msg.userId,
    serviceTrackId: msg.serviceTrackId,
    receiveCount: attempt.receiveCount,
  };
  let facts: TrackFacts;
  try {
    facts = attempt.facts ?? (await deps.trackFacts([msg]));
  } catch (err) {
    deps.logger.error('could not read the track, its license or library row', { ...log, error: err as Error });
    if (attempt.receiveCount < deps.settings.downloads.maxReceiveCount) throw err;
    // The last receive: end the track anyway, so it does not wait in the dead-letter queue.
    await failTrack(
      deps,
      msg,
      undefined,
      new TrackFailure(HR.E_FAIL, lastReceiveReason(attempt.receiveCount, err)),
      attempt,
      log,
    );
    return;
  }
  const receiveCount = attempt.receiveCount;
  const moves = attempt.moves;
  const current = facts.tracks.get(trackRefKey(msg));
  if (!current) {
    deps.logger.warn('download message for a track that is not recorded (expired?)', log);
    return;
  }
  if (current.state !== 'queued') {
    // A duplicate, or a track cancelled meanwhile: nothing to copy, only what is owed.
    if (current.state === 'failed' || current.state === 'cancelled')
      await removeFilesOf(deps, msg, undefined, receiveCount > 1);
    // A re-download that died before it removed the copy it replaced: remove it now.
    if ((current.state === 'stored' || current.state === 'completed') && current.item && receiveCount > 1)
      await removeReplacedFiles(deps, msg, current.item.key);
    if (repairDue(receiveCount)) await askCompletionIfOwed(deps, current);
    return;
  }
  const erased = facts.erasedUsers.has(msg.userId);
  if (erased || facts.cancelledSessions.has(msg.cookie)) {
    // The session was cancelled, or its user is being erased: end the track before fetching anything.
    const fields = { hrResult: HR.E_ABORT, reason: erased ? 'user erased' : 'session cancelled' };
    const updatedAt = await deps.tracks.transition(current.cookie, current.serviceTrackId, 'cancelled', fields);
    if (updatedAt) {
      moves.add(msg, 'cancelled');
      deps.telemetry.count('TracksCancelled');
      await askCompletionIfOwed(deps, { ...current, ...fields, state: 'cancelled', updatedAt }, true);
    }
    return;
  }
  let copiedKey: string | undefined;
  try {
    const store = await attempt.storeOf(msg.storeId);
    if (!store) throw new TrackFailure(HR.E_ACCESSDENIED, 'the store no longer exists');
    if (store.suspendedAt) {
      // Held, not lost: sent again to wait, its receive count afresh; it stays queued.
      await deps.downloadsQueue.send([msg], deps.settings.limits.suspendedHoldSeconds);
      deps.telemetry.count('TracksHeld');
      return;
    }
    const license = facts.licenses.get(factKey(msg));
    if (!license)
      throw new TrackFailure(HR.NS_E_DRM_LICENSE_NOTACQUIRED, 'no license was predelivered for this user and track');
    if (license.expiresAt && Date.parse(license.expiresAt) <= Date.now()) {
      throw new TrackFailure(HR.NS_E_DRM_LICENSE_NOTACQUIRED, `the license expired at ${license.expiresAt}`);
    }
    const existing = facts.library.get(factKey(msg));
    if (existing && !store.redownload) {
      // Already in the library and the store does not ask for a re-download: S_FALSE, no copy.
      const { userId: _u, storeId: _s, serviceTrackId: _t, cookie: _c, addedAt: _a, ...item } = existing;
      if (
        (
          await finish(
            deps,
            current,
            'stored',
            { hrResult: HR.S_FALSE, item, reason: 'already in the library' },
            receiveCount,
          )
        ).moved
      )
        moves.add(msg, 'stored');
      return;
    }
    // A re-download lands on the key of the copy in the library: check the bytes before that.
    const item = await copyTrack(deps, store, msg, {
      verifyFirst: existing !== undefined && msg.expectedSha256 !== undefined,
      deadline: fetchDeadline(deps, attempt.endsAt),
    });
    copiedKey = item.key;
    if (msg.expectedSha256 && msg.expectedSha256 !== item.sha256) throw hashMismatch(item.sha256, msg.expectedSha256);
    const now = await finish(deps, current, 'stored', { hrResult: HR.S_OK, item }, receiveCount);
    // Another delivery failed the track, or a cancel won the race: this copy must not stay.
    if (now.state === 'failed' || now.state === 'cancelled') await removeFilesOf(deps, msg, copiedKey, false);
    if (now.moved && existing && existing.key !== item.key) {
      // Re-downloaded under a new name (its tags changed): the new copy is in place; once the
      // library says so, the one it replaces goes, so the folder holds the track once.
      await deps.library.putMany([
        {
          ...item,
          userId: msg.userId,
          storeId: msg.storeId,
          serviceTrackId: msg.serviceTrackId,
          cookie: msg.cookie,
          addedAt: now.updatedAt ?? new Date().toISOString(),
        },
      ]);
      await removeReplacedFiles(deps, msg, item.key);
    }
    if (now.moved) {
      moves.add(msg, 'stored');
      deps.telemetry.count('TracksStored');
      deps.telemetry.count('BytesCopied', item.bytes);
      deps.logger.info('track stored', { ...log, key: item.key, bytes: item.bytes });
    }
  } catch (err) {
    const last = receiveCount >= deps.settings.downloads.maxReceiveCount;
    let failure: TrackFailure;
    if (err instanceof TrackFailure) {
      if (err.transient && !last) {
        deps.logger.warn('track will be retried', { ...log, hresult: formatHResult(err.hresult), reason: err.message });
        throw err;
      }
      failure = err;
    } else {
      // Not the track's fault (a throttled table, a bug, a record that cannot be written):
      // retried, and on the last receive the track ends all the same, with its store told.
      deps.logger.error('track attempt failed', { ...log, key: copiedKey, error: err as Error });
      if (!last) throw err;
      failure = new TrackFailure(HR.E_FAIL, lastReceiveReason(receiveCount, err));
    }
    await failTrack(deps, msg, current, failure, attempt, log, copiedKey);
  }
}

/** Ends a track `failed` and removes every file it left: this attempt's and, after a redelivery, earlier ones'. */
async function failTrack(
  deps: WorkerDeps,
  msg: DownloadMessage,
  current: Track | undefined,
  failure: TrackFailure,
  attempt: Attempt,
  log: Record<string, unknown>,
  copiedKey?: string,
): Promise<void> {
  const receiveCount = attempt.receiveCount;
  const reason = failure.message.slice(0, MAX_REASON_CHARS);
  deps.logger.info('track failed', { ...log, hresult: formatHResult(failure.hresult), reason });
  const track = current ?? (await deps.tracks.get(msg.cookie, msg.serviceTrackId));
  if (!track) {
    deps.logger.warn('download message for a track that is not recorded (expired?)', log);
    return;
  }
  const now = await finish(deps, track, 'failed', { hrResult: failure.hresult, reason }, receiveCount);
  if (now.moved) {
    attempt.moves.add(msg, 'failed');
    deps.telemetry.count('TracksFailed');
  }
  if (now.state === 'failed' || now.state === 'cancelled') await removeFilesOf(deps, msg, copiedKey, receiveCount > 1);
}

function lastReceiveReason(receiveCount: number, err: unknown): string {
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `trackdrop could not process this track in ${receiveCount} attempts (${what})`;
}

/**
 * When an HTTPS fetch must be done: its own deadline, or earlier when the invocation would
 * end first, keeping back the time to record the outcome. Only the latter is worth a retry.
 */
function fetchDeadline(deps: WorkerDeps, endsAt: number): { at: number; transient: boolean } {
  const limits = deps.settings.limits;
  const own = Date.now() + limits.originDeadlineSeconds * 1000;
  const invocation = endsAt - limits.workerReserveSeconds * 1000;
  return invocation < own ? { at: invocation, transient: true } : { at: own, transient: false };
}

/**
 * The store is owed a DownloadTrackComplete for every approved track that ended, until it
 * acknowledged one. A repair (a redelivered message finding the track already moved) sends no
 * snapshot: the completion function then reads the track and skips it if the store was told.
 */
async function askCompletionIfOwed(deps: WorkerDeps, track: Track, snapshot = false): Promise<void> {
  if (!isCompletionOwed(track)) return;
  const ask = {
    kind: 'track',
    cookie: track.cookie,
    storeId: track.storeId,
    serviceTrackId: track.serviceTrackId,
  } as const;
  try {
    await deps.completionsQueue.sendSoon(snapshot ? { ...ask, track } : ask);
  } catch (err) {
    // The snapshot only saves the completion a read: one SQS will not take (its size, say)
    // goes without it, on this attempt, rather than holding the track until a redelivery.
    if (!(snapshot && err instanceof MessageRefused)) throw err;
    deps.logger.warn('completion message refused with its snapshot; sent without', {
      cookie: track.cookie,
      serviceTrackId: track.serviceTrackId,
      code: err.code,
    });
    await deps.completionsQueue.sendSoon(ask);
  }
}

/**
 * Should a message that finds its track already moved ask for the callback again? Only to repair
 * a crash between a state write and its enqueue, and only the message that crashed can know: a
 * redelivery (receive ≥ 2). A first receive is another message of the same track (a store
 * repeating DownloadTrack), whose own mover reports it, or comes back to repair it; asking again
 * there is what made callback storms. A cancelled track is reported by whoever cancelled it (a
 * cancel chunk, which repairs itself when redelivered, or a worker): asking again on a first
 * receive is what announced cancelled tracks twice.
 */
function repairDue(receiveCount: number): boolean {
  return receiveCount > 1;
}

/**
 * Moves the track out of `queued` and asks the completion function to report it. When the move
 * was made before, the completion is asked again when a repair is due (see repairDue) and the
 * store has not been told yet.
 */
async function finish(
  deps: WorkerDeps,
  track: Track,
  to: 'stored' | 'failed',
  fields: Partial<Track>,
  receiveCount: number,
): Promise<{ moved: boolean; state: TrackState; updatedAt?: string }> {
  const updatedAt = await deps.tracks.transition(track.cookie, track.serviceTrackId, to, fields);
  if (updatedAt) {
    await askCompletionIfOwed(deps, { ...track, ...fields, state: to, updatedAt }, true);
    return { moved: true, state: to, updatedAt };
  }
  const now = await deps.tracks.get(track.cookie, track.serviceTrackId);
  if (!now) return { moved: false, state: 'queued' };
  if (repairDue(receiveCount)) await askCompletionIfOwed(deps, now);
  return { moved: false, state: now.state };
}
