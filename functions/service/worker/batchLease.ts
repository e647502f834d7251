import type { SQSRecord } from 'aws-lambda';
import type { WorkerDeps } from '../deps.js';

/** A batch's hold on its messages, from the invocation's start until it answers. */
export interface BatchLease {
  /**
   * Stops renewing, then hides each record to be retried for its retry wait. The others keep
   * what is left of their lease: Lambda deletes them once the invocation answers.
   */
  end(retried: readonly SQSRecord[]): Promise<void>;
}

/**
 * Holds a batch's messages hidden for `leaseSeconds` at a time, renewed every third of that
 * while the invocation runs. The queue's own visibility timeout must be at least the function's
 * timeout (Lambda checks), so without this a killed, timed-out or out-of-memory invocation's
 * tracks would wait that long (30 minutes) to be received again; with it, a minute. Renewals
 * cost one ChangeMessageVisibilityBatch per ten records every 20 s of the batch's run.
 */
export async function holdBatch(deps: WorkerDeps, records: readonly SQSRecord[]): Promise<BatchLease> {
  const { leaseSeconds } = deps.settings.downloadLease;
  const held = records.map((r) => ({ receiptHandle: r.receiptHandle, seconds: leaseSeconds }));
  const apply = async (what: string, changes: typeof held) => {
    try {
      const refused = await deps.downloadsVisibility.change(changes);
      if (refused > 0) deps.logger.warn(`SQS refused ${refused} visibility change(s)`, { what });
    } catch (err) {
      // The queue's own timeout still holds the messages: a late return, never a lost track.
      deps.logger.warn('could not change the batch visibility', { what, error: err as Error });
    }
  };
  await apply('lease', held);
  let renewing: Promise<void> | undefined;
  const timer = setInterval(
    () => {
      renewing ??= apply('renewal', held).finally(() => {
        renewing = undefined;
      });
    },
    (leaseSeconds * 1000) / 3,
  );
  // Never what keeps a local process alive; on Lambda, end() always clears it.
  timer.unref();
  return {
    async end(retried) {
      clearInterval(timer);
      // A renewal still in flight would otherwise undo the retry waits set below.
      await renewing;
      if (retried.length === 0) return;
      await apply(
        'retry wait',
        retried.map((r) => ({
          receiptHandle: r.receiptHandle,
          seconds: retryWaitSeconds(deps.settings.downloadLease, Number(r.attributes.ApproximateReceiveCount ?? '1')),
        })),
      );
    },
  };
}

/**
 * How long a track waits before receive `receiveCount + 1`: the base, four times longer per
 * receive, at most the maximum, and between half and all of that (jitter), so the tracks of one
 * origin's outage do not all come back in the same second.
 */
export function retryWaitSeconds(
  lease: { readonly retryBaseSeconds: number; readonly retryMaxSeconds: number },
  receiveCount: number,
  random: () => number = Math.random,
): number {
  const full = Math.min(lease.retryMaxSeconds, 43_200, lease.retryBaseSeconds * 4 ** Math.max(0, receiveCount - 1));
  return Math.max(0, Math.round(full * (0.5 + random() / 2)));
}
