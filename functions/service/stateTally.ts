import type { TrackState } from '../core/trackState.js';
import { writeCounts } from './recount.js';

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

  /** Writes the tallies, one count write per session (see writeCounts: a lost one asks for a recount). */
  async flush(deps: Parameters<typeof writeCounts>[0]): Promise<void> {
    const entries = [...this.bySession];
    this.bySession.clear();
    await Promise.all(entries.map(([cookie, delta]) => writeCounts(deps, cookie, delta)));
  }
}
