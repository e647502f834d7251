import { isThrottled } from '../../adapters/isThrottled.js';
import type { TrackBatchAnswer } from '../../core/answers.js';
import { ApiError } from '../../core/errors.js';
import { HR } from '../../core/hresult.js';
import { mapLimit } from '../../core/mapLimit.js';
import type { DownloadMessage } from '../../core/queueMessages.js';
import { serviceTrackIdSchema } from '../../core/schemas.js';
import type { Session, Store } from '../../core/storedRecords.js';
import type { ApiDeps } from '../deps.js';
import { refuseErasedUser } from '../erasure/erasureGate.js';
import { writeCounts } from '../recount.js';
import { checkTrack, recordTrack } from './downloadTrack.js';

type BatchResult = TrackBatchAnswer['results'][number];

/**
 * DownloadTrack for up to 100 tracks in one call: each track gets its own result (a bad one
 * does not sink the others), and the approved ones go to the queue in SendMessageBatch calls.
 * A track DynamoDB throttled answers `throttled` on its own (send that one again; the call is
 * idempotent); the others are taken. The session's counts move once for the whole batch.
 */
export async function downloadTrackBatch(
  deps: ApiDeps,
  store: Store,
  session: Session,
  items: readonly unknown[],
): Promise<TrackBatchAnswer> {
  // An erasure cancels its user's sessions: such a session says why (one read, on refusal only).
  if (session.cancelledAt) await refuseErasedUser(deps, session.userId);
  const messages: DownloadMessage[] = [];
  const added = { queued: 0, declined: 0 };
  const results = await mapLimit(items, 16, async (raw): Promise<BatchResult> => {
    // The item's own id is echoed only when it is one (a uint32): the answer's schema says so.
    const id = serviceTrackIdSchema.safeParse((raw as { serviceTrackId?: unknown } | null)?.serviceTrackId);
    const idField = id.success ? { serviceTrackId: id.data } : {};
    try {
      const { answer, message, created } = await recordTrack(deps, session, checkTrack(deps, store, raw));
      if (message) messages.push(message);
      if (created) added[created] += 1;
      return answer.body;
    } catch (err) {
      if (err instanceof ApiError) return { ...idField, error: err.toBody().error };
      if (!isThrottled(err)) throw err;
      deps.logger.warn('track throttled', { cookie: session.cookie, ...idField });
      deps.telemetry.count('TracksThrottled');
      return {
        ...idField,
        error: new ApiError(429, 'throttled', 'DynamoDB is busy; send this track again', HR.E_FAIL).toBody().error,
      };
    }
  });
  try {
    await deps.downloadsQueue.send(messages);
  } finally {
    // Counted even when the enqueue failed: the store's retry finds the tracks made, not new.
    await writeCounts(deps, session, added);
  }
  return { results };
}
