import { TRACK_SHARDS } from '../core/downloadsKeys.js';
import type { SessionCounts } from '../core/sessionCounts.js';
import type { CommonDeps } from './deps.js';

/**
 * Cancels a session's tracks in a fixed number of requests whatever its size: marks the session
 * cancelled (DownloadTrack refuses new tracks; the counts item carries the workers' mark) and
 * hands the rest to the completion function, one chunk chain per shard (cancelChunk). A store's
 * cancel and a user's erasure both take this way.
 */
export async function cancelTracks(
  deps: Pick<CommonDeps, 'sessions' | 'counts' | 'completionsQueue'>,
  cookie: string,
  storeId: string,
): Promise<SessionCounts> {
  await deps.sessions.markCancelled(cookie);
  const counts = await deps.counts.markCancelled(cookie);
  await deps.completionsQueue.send(
    Array.from({ length: TRACK_SHARDS }, (_, shard) => ({ kind: 'cancel' as const, cookie, storeId, shard })),
  );
  return counts;
}
