import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { TrackFailure } from '../../core/errors.js';
import { memoize } from '../../core/memoize.js';
import { formatHResult, HR } from '../../core/hresult.js';
import type { DownloadMessage, Store, Track, TrackState } from '../../core/types.js';
import { factKey, trackRefKey, type TrackFacts } from '../../adapters/trackFacts.js';
import type { WorkerDeps } from '../deps.js';
import { copyTrack, hashMismatch } from './copyTrack.js';
import { parseDownloadMessage } from './downloadMessage.js';
import { removeFilesOf } from './placeObject.js';
import { StateTally } from '../stateTally.js';

/**
 * The worker: a batch of approved tracks from the downloads queue. One BatchGetItem answers
 * every license, library and track-state question of the batch; then each track is copied on
 * its own, and only the tracks that must be retried are reported back to SQS.
 */
export async function processDownloads(deps: WorkerDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const parsed = new Map<string, DownloadMessage>();
  for (const r of event.Records) {
    try {
      parsed.set(r.messageId, parseDownloadMessage(r.body));
    } catch (err) {
      deps.logger.error('poison download message', { messageId: r.messageId, error: err as Error });
    }
  }
  const messages = [...parsed.values()];
  const facts = await deps.trackFacts(messages);
  const storeOf = memoize((id: string) => deps.stores.get(id));

  const moves = new StateTally();
  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(
    event,
    async (record: SQSRecord) => {
      const msg = parsed.get(record.messageId);
      if (!msg) throw new Error('malformed download message');
      const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
      await processOne(deps, msg, facts, await storeOf(msg.storeId), receiveCount, moves);
    },
    processor,
    { throwOnFullBatchFailure: false },
  );
  // The batch's moves out of `queued`, one counts write per session.
  await moves.flush(deps.downloads, deps.logger);
  deps.telemetry.flush();
  return response;
}

async function processOne(
  deps: WorkerDeps,
  msg: DownloadMessage,
  facts: TrackFacts,
  store: Store | undefined,
  receiveCount: number,
  moves: StateTally,
): Promise<void> {
  const log = { cookie: msg.cookie, userId: msg.userId, serviceTrackId: msg.serviceTrackId };
  const current = facts.tracks.get(trackRefKey(msg));
  if (!current) {
    deps.logger.warn('download message for a track that is not recorded (expired?)', log);
    return;
  }
  if (current.state !== 'queued') {
    // A duplicate, or a track cancelled meanwhile: nothing to copy, only what is owed.
    if (current.state === 'failed' || current.state === 'cancelled') await removeFilesOf(deps, msg, undefined, receiveCount > 1);
    // Whoever cancelled the track sent its completion; asking again on a first delivery would
    // announce it twice. A redelivery repairs a cancel that died before its enqueue.
    if (current.state !== 'cancelled' || receiveCount > 1) await askCompletionIfOwed(deps, current);
    return;
  }
  if (facts.cancelledSessions.has(msg.cookie)) {
    // The session was cancelled: end the track before fetching anything.
    const fields = { hrResult: HR.E_ABORT, reason: 'session cancelled' };
    const updatedAt = await deps.downloads.transition(current.cookie, current.serviceTrackId, 'cancelled', fields);
    if (updatedAt) {
      moves.add(msg.cookie, 'cancelled');
      deps.telemetry.count('TracksCancelled');
      await askCompletionIfOwed(deps, { ...current, ...fields, state: 'cancelled', updatedAt }, true);
    }
    return;
  }
  let copiedKey: string | undefined;
  try {
    if (!store) throw new TrackFailure(HR.E_ACCESSDENIED, 'the store no longer exists');
    const license = facts.licenses.get(factKey(msg));
    if (!license) throw new TrackFailure(HR.NS_E_DRM_LICENSE_NOTACQUIRED, 'no license was predelivered for this user and track');
    if (license.expiresAt && Date.parse(license.expiresAt) <= Date.now()) {
      throw new TrackFailure(HR.NS_E_DRM_LICENSE_NOTACQUIRED, `the license expired at ${license.expiresAt}`);
    }
    const existing = facts.library.get(factKey(msg));
    if (existing && !store.redownload) {
      // Already in the library and the store does not ask for a re-download: S_FALSE, no copy.
      const { userId: _u, storeId: _s, serviceTrackId: _t, cookie: _c, addedAt: _a, ...item } = existing;
      if ((await finish(deps, current, 'stored', { hrResult: HR.S_FALSE, item, reason: 'already in the library' })).moved) moves.add(msg.cookie, 'stored');
      return;
    }
    // A re-download lands on the key of the copy in the library: check the bytes before that.
    const item = await copyTrack(deps, store, msg, { verifyFirst: existing !== undefined && msg.expectedSha256 !== undefined });
    copiedKey = item.key;
    if (msg.expectedSha256 && msg.expectedSha256 !== item.sha256) throw hashMismatch(item.sha256, msg.expectedSha256);
    const now = await finish(deps, current, 'stored', { hrResult: HR.S_OK, item });
    // Another delivery failed the track, or a cancel won the race: this copy must not stay.
    if (now.state === 'failed' || now.state === 'cancelled') await removeFilesOf(deps, msg, copiedKey, false);
    if (now.moved) {
      moves.add(msg.cookie, 'stored');
      deps.telemetry.count('TracksStored');
      deps.telemetry.count('BytesCopied', item.bytes);
      deps.logger.info('track stored', { ...log, key: item.key, bytes: item.bytes });
    }
  } catch (err) {
    if (!(err instanceof TrackFailure)) throw err;
    if (err.transient && receiveCount < deps.settings.downloads.maxReceiveCount) {
      deps.logger.warn('track will be retried', { ...log, hresult: formatHResult(err.hresult), reason: err.message });
      throw err;
    }
    deps.logger.info('track failed', { ...log, hresult: formatHResult(err.hresult), reason: err.message });
    const now = await finish(deps, current, 'failed', { hrResult: err.hresult, reason: err.message });
    if (now.moved) {
      moves.add(msg.cookie, 'failed');
      deps.telemetry.count('TracksFailed');
    }
    // No file of a failed track may stay, this attempt's or an earlier one's.
    if (now.state === 'failed' || now.state === 'cancelled') await removeFilesOf(deps, msg, copiedKey, receiveCount > 1);
  }
}

/**
 * The store is owed a DownloadTrackComplete for every approved track that ended, until it
 * acknowledged one. A repair (a redelivered message finding the track already moved) sends no
 * snapshot: the completion function then reads the track and skips it if the store was told.
 */
async function askCompletionIfOwed(deps: WorkerDeps, track: Track, snapshot = false): Promise<void> {
  if (track.state !== 'queued' && track.state !== 'completed' && track.state !== 'declined' && !track.notifiedAt) {
    await deps.completionsQueue.sendSoon({ kind: 'track', cookie: track.cookie, serviceTrackId: track.serviceTrackId, ...(snapshot ? { track } : {}) });
  }
}

/**
 * Moves the track out of `queued` and asks the completion function to report it. When the move
 * was made before (a redelivered message), the completion is asked again unless the store has
 * already been told: that repairs a crash between the state write and the enqueue.
 */
async function finish(deps: WorkerDeps, track: Track, to: 'stored' | 'failed', fields: Partial<Track>): Promise<{ moved: boolean; state: TrackState }> {
  const updatedAt = await deps.downloads.transition(track.cookie, track.serviceTrackId, to, fields);
  if (updatedAt) {
    await askCompletionIfOwed(deps, { ...track, ...fields, state: to, updatedAt }, true);
    return { moved: true, state: to };
  }
  const now = await deps.downloads.getTrack(track.cookie, track.serviceTrackId);
  if (!now) return { moved: false, state: 'queued' };
  // A cancel that won the race sent that track's completion itself.
  if (now.state !== 'cancelled') await askCompletionIfOwed(deps, now);
  return { moved: false, state: now.state };
}
