import type { SQSRecord } from 'aws-lambda';
import type { CallbackResult } from '../../adapters/callbackSender.js';
import type { Store } from '../../core/storedRecords.js';
import type { CompletionDeps } from '../deps.js';
import { isFromQueue } from '../queueRecords.js';

/**
 * The stores whose receiver was slow or failed lately, as this container saw them: their
 * callbacks go to the slow lane (settings.slowCallbacks) for `slowLaneSeconds`. On Lambda, a
 * batch is only as quick as its slowest callback, so one slow receiver's records, one in each
 * batch, would hold every completion invocation; in the slow lane they hold at most its two.
 * A store goes there after `streak` slow or failed callbacks in a row, so one slow answer from
 * a busy receiver (or a busy container) does not send it; each container learns on its own, so
 * nothing is written for it.
 */
export class SlowStores {
  private readonly until = new Map<string, number>();
  private readonly slowInARow = new Map<string, number>();

  constructor(
    private readonly laneMs: number,
    private readonly streak: number,
  ) {}

  /** One callback's outcome; answers true when it sends the store to the slow lane. */
  record(storeId: string, slow: boolean, now = Date.now()): boolean {
    if (!slow) {
      this.slowInARow.delete(storeId);
      return false;
    }
    const n = (this.slowInARow.get(storeId) ?? 0) + 1;
    this.slowInARow.set(storeId, n);
    if (n < this.streak) return false;
    const wasSlow = this.isSlow(storeId, now);
    this.until.set(storeId, now + this.laneMs);
    return !wasSlow;
  }

  isSlow(storeId: string | undefined, now = Date.now()): boolean {
    if (storeId === undefined) return false;
    const until = this.until.get(storeId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.until.delete(storeId);
    return false;
  }
}

/** Did this record come from the slow lane? */
export function fromSlowLane(deps: Pick<CompletionDeps, 'slowLane'>, record: SQSRecord): boolean {
  return isFromQueue(deps.slowLane.queueUrl, record.eventSourceARN);
}

/** One signed callback to the store, timed: a streak of them that fail or take longer than `slowMs` sends the store to the slow lane. */
export async function sendCallback(
  deps: CompletionDeps,
  store: Store,
  eventId: string,
  payload: unknown,
): Promise<CallbackResult> {
  const t0 = Date.now();
  const res = await deps.callbacks.send(
    store.callbackUrl,
    await deps.stores.signingSecrets(store.storeId),
    eventId,
    payload,
  );
  const ms = Date.now() - t0;
  if (deps.slowStores.record(store.storeId, !res.ok || ms > deps.settings.callbacks.slowMs))
    deps.logger.warn('store callbacks go to the slow lane', { storeId: store.storeId, ms, status: res.status });
  return res;
}
