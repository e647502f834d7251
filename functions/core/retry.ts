/**
 * One way to retry what a batch call left undone (unprocessed items, refused entries): full
 * jitter, so the containers a throttle hit together do not come back together, within a bound
 * on both the number of rounds and the time they take.
 */
export interface RetryPolicy {
  /** Rounds at most, the first included. */
  readonly rounds: number;
  /** The backoff before round n+1 is drawn from [0, min(capMs, baseMs × 2^n)). */
  readonly baseMs: number;
  readonly capMs: number;
  /** No new round starts this long after the first. */
  readonly totalMs: number;
}

/** The policy of every batch call's leftovers: 9 rounds, 50 ms doubling to 1 s, 5 s in all. */
export const batchLeftovers: RetryPolicy = { rounds: 9, baseMs: 50, capMs: 1000, totalMs: 5000 };

/**
 * A store's batch of licenses: fewer rounds, since the store waits on the answer; what is left
 * is answered `throttled`, for the store to send again.
 */
export const licenseLeftovers: RetryPolicy = { ...batchLeftovers, rounds: 6 };

/** What a round left: undefined (nothing) when the list is empty or absent. */
export function leftover<T>(items: T[] | undefined): T[] | undefined {
  return items && items.length > 0 ? items : undefined;
}

/** Thrown when leftovers remain after the policy's last round. */
export class RetriesExhausted extends Error {
  override readonly name = 'RetriesExhausted';
}

/** The full-jitter pause before round `round` (1 for the first retry). */
export function backoffMs(policy: RetryPolicy, round: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.capMs, policy.baseMs * 2 ** round));
}

/**
 * Runs `round` on the work left until it answers `undefined` (nothing left), pausing between
 * rounds. Throws RetriesExhausted, naming `what`, when work is still left at the bound.
 *
 * @example
 * await retryLeftovers(batchLeftovers, 'BatchWriteItem', items, async (left) => {
 *   const out = await ddb.send(new BatchWriteCommand({ RequestItems: left }));
 *   return isEmpty(out.UnprocessedItems) ? undefined : out.UnprocessedItems;
 * });
 */
export async function retryLeftovers<T>(
  policy: RetryPolicy,
  what: string,
  work: T,
  round: (left: T, index: number) => Promise<T | undefined>,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Promise<void> {
  const started = Date.now();
  let left: T | undefined = work;
  for (let index = 0; left !== undefined; index++) {
    if (index >= policy.rounds || (index > 0 && Date.now() - started >= policy.totalMs)) {
      throw new RetriesExhausted(`${what} left work undone after ${index} rounds in ${Date.now() - started} ms`);
    }
    if (index > 0) await sleep(backoffMs(policy, index));
    left = await round(left, index);
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
