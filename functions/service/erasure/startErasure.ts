import { randomBytes } from 'node:crypto';
import type { ErasuresRepo } from '../../adapters/erasuresRepo.js';
import type { QueueSender } from '../../adapters/queues.js';
import { type ErasureRecord, noneRemoved } from '../../core/erasure.js';
import type { OutgoingCompletion } from '../../core/queueMessages.js';

/** An erasure whose first step has not run this long after it was asked for is queued again. */
const STALLED_MS = 5 * 60_000;

export interface ErasureStarter {
  readonly erasures: ErasuresRepo;
  readonly completionsQueue: QueueSender<OutgoingCompletion>;
}

/**
 * Starts the erasure of everything trackdrop holds of a user, for the listener (DELETE /v1/me)
 * and the operator (`trackdrop user erase`) alike: writes the erasure record, which every writer
 * of the user's data checks from then on, and queues its first step for the completion
 * function. Asking again answers the erasure that stands; one whose first step was not taken
 * within five minutes (the queue refused it, or the caller died) is queued again, which at
 * worst repeats idempotent steps.
 */
export async function startErasure(
  deps: ErasureStarter,
  userId: string,
  requestedBy: ErasureRecord['requestedBy'],
  actor?: string,
): Promise<{ record: ErasureRecord; started: boolean }> {
  const now = new Date().toISOString();
  const { record, started } = await deps.erasures.start({
    userId,
    erasureId: `era_${randomBytes(16).toString('hex')}`,
    state: 'erasing',
    phase: 'cancel',
    requestedBy,
    ...(actor ? { actor } : {}),
    startedAt: now,
    updatedAt: now,
    removed: noneRemoved,
  });
  // Its first step normally runs within seconds; one still untaken after STALLED_MS was lost.
  const stalled = record.phase === 'cancel' && Date.now() - Date.parse(record.updatedAt) > STALLED_MS;
  if (started || (record.state === 'erasing' && stalled))
    await deps.completionsQueue.send([
      { kind: 'erase', storeId: undefined, userId, erasureId: record.erasureId, phase: 'cancel' },
    ]);
  return { record, started };
}
