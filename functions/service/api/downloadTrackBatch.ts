import { ApiError } from '../../core/errors.js';
import type { DownloadMessage, Session, Store } from '../../core/types.js';
import type { ApiDeps } from '../deps.js';
import { mapLimit } from '../../core/mapLimit.js';
import { checkTrack, recordTrack } from './downloadTrack.js';

type BatchResult =
  | { serviceTrackId: number; state: 'queued' | 'declined'; hrResult?: string }
  | { serviceTrackId?: number; error: { code: string; message: string; hresult?: string } };

/**
 * DownloadTrack for up to 100 tracks in one call: each track gets its own result (a bad one
 * does not sink the others), and the approved ones go to the queue in SendMessageBatch calls.
 */
export async function downloadTrackBatch(deps: ApiDeps, store: Store, session: Session, items: readonly unknown[]): Promise<{ results: BatchResult[] }> {
  const messages: DownloadMessage[] = [];
  const results = await mapLimit(items, 16, async (raw): Promise<BatchResult> => {
    try {
      const { answer, message } = await recordTrack(deps, session, checkTrack(deps, store, raw));
      if (message) messages.push(message);
      return answer.body;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const id = (raw as { serviceTrackId?: unknown } | null)?.serviceTrackId;
      return { ...(typeof id === 'number' ? { serviceTrackId: id } : {}), error: err.toBody().error };
    }
  });
  await deps.downloadsQueue.send(messages);
  return { results };
}
