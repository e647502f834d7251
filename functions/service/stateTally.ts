import type { TrackState } from '../core/types.js';
import type { CommonDeps } from './deps.js';

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
   * must not be redone for the sake of a count. The session's counts are then short by this
   * batch, and a recount is asked for at once.
   */
  async flush(deps: Pick<CommonDeps, 'downloads' | 'completionsQueue' | 'logger'>): Promise<void> {
    const entries = [...this.bySession];
    this.bySession.clear();
    await Promise.all(
      entries.map(([cookie, delta]) =>
        deps.downloads.adjustCounts(cookie, delta).catch(async (err: unknown) => {
          deps.logger.error('session counts not updated; recount asked for', { cookie, delta: JSON.stringify(delta), error: err instanceof Error ? err : String(err) });
          await deps.completionsQueue.send([{ kind: 'recount', cookie }]).catch((e: unknown) => deps.logger.error('recount not asked for', { cookie, error: e instanceof Error ? e : String(e) }));
        }),
      ),
    );
  }
}
