import type { Logger } from '@aws-lambda-powertools/logger';
import type { DownloadsRepo } from '../adapters/downloadsRepo.js';
import type { TrackState } from '../core/types.js';

/**
 * The state moves a batch made, by session: flushed as one counts write per session, so the
 * status route reads O(1) items while the writes stay at one per batch, not one per track.
 */
export class StateTally {
  private readonly bySession = new Map<string, Partial<Record<TrackState, number>>>();

  /** One track moved from `from` (queued, by default) to `to`. */
  add(cookie: string, to: TrackState, from: TrackState = 'queued'): void {
    const delta = this.bySession.get(cookie) ?? {};
    delta[to] = (delta[to] ?? 0) + 1;
    delta[from] = (delta[from] ?? 0) - 1;
    this.bySession.set(cookie, delta);
  }

  /**
   * Writes the tallies. A write that fails is logged, not thrown: the state moves are made and
   * must not be redone for the sake of a count (the count is then short by this batch).
   */
  async flush(downloads: Pick<DownloadsRepo, 'adjustCounts'>, logger: Logger): Promise<void> {
    const entries = [...this.bySession];
    this.bySession.clear();
    await Promise.all(
      entries.map(([cookie, delta]) =>
        downloads.adjustCounts(cookie, delta).catch((err: unknown) => logger.error('session counts not updated', { cookie, delta: JSON.stringify(delta), error: err as Error })),
      ),
    );
  }
}
