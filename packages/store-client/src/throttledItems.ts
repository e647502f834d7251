import { type RetryPolicy, retryDelayMs } from './retryPolicy.js';
import type { LicenseBatchResult, TrackBatchResult } from './types.js';

/**
 * Sends a batch, then sends again only the items the answer says were throttled, until none is
 * or the policy's attempts are spent. `send` answers one result per item, in order (as
 * licenses:batch and tracks:batch do); the results come back in the items' order, a throttled
 * one left as it last came when the attempts ran out.
 */
export async function sendRetryingThrottled<Item, Result>(
  items: readonly Item[],
  send: (items: readonly Item[]) => Promise<readonly Result[]>,
  isThrottled: (result: Result) => boolean,
  policy: RetryPolicy,
): Promise<Result[]> {
  const results = new Map<number, Result>();
  let pending = items.map((item, index) => ({ item, index }));
  for (let attempt = 1; pending.length > 0; attempt++) {
    const answered = await send(pending.map((p) => p.item));
    if (answered.length !== pending.length)
      throw new Error(`a batch of ${pending.length} was answered with ${answered.length} results`);
    const throttled: typeof pending = [];
    pending.forEach((p, i) => {
      const result = answered[i];
      if (result === undefined) return;
      results.set(p.index, result);
      if (isThrottled(result)) throttled.push(p);
    });
    pending = throttled;
    if (pending.length === 0) break;
    const wait = retryDelayMs(attempt, undefined, policy);
    if (wait === undefined) break;
    await policy.sleep(wait);
  }
  return items.map((_, index) => {
    const result = results.get(index);
    if (result === undefined) throw new Error(`no result for batch item ${index}`);
    return result;
  });
}

/** Whether a batch item's result is the error `throttled`: that item is to be sent again. */
export function isThrottledItem(result: LicenseBatchResult | TrackBatchResult): boolean {
  return 'error' in result && result.error.code === 'throttled';
}
