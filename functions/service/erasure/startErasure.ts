import { randomBytes } from 'node:crypto';
import type { ErasuresRepo } from '../../adapters/erasuresRepo.js';
import type { QueueSender } from '../../adapters/queues.js';
import { type ErasureRecord, noneRemoved } from '../../core/erasure.js';
import type { EraseMessage } from '../../core/queueMessages.js';

/**
 * An erasure that has not moved this long is stalled (a step went to the dead-letter queue, or
 * its first step was never sent): asking again sends its current step again. The longest pause
 * between two steps is a settle's 15-minute delay; a live chain is not doubled by it, since
 * only one message of a step advances the erasure.
 */
const STALLED_MS = 20 * 60_000;

export interface ErasureStarter {
  readonly erasures: ErasuresRepo;
  readonly erasuresQueue: QueueSender<EraseMessage>;
}

/**
 * Starts the erasure of everything trackdrop holds of a user, for the listener (DELETE /v1/me)
 * and the operator (`trackdrop user erase`) alike: writes the erasure record, which every writer
 * of the user's data checks from then on, and queues its first step (the worker takes them). Asking again answers the erasure that stands, and resumes one that stalled.
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
    step: 0,
  });
  const stalled = record.state === 'erasing' && Date.now() - Date.parse(record.updatedAt) > STALLED_MS;
  if (started || stalled)
    await deps.erasuresQueue.send([
      {
        kind: 'erase',
        userId,
        erasureId: record.erasureId,
        phase: record.phase,
        step: record.step,
      },
    ]);
  return { record, started };
}
