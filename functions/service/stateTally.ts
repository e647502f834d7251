import type { SessionRef } from '../core/queueMessages.js';
import type { TrackState } from '../core/trackState.js';
import { writeCounts } from './recount.js';

/**
 * The state moves a batch made, by session: flushed as one counts write per session, so the
 * status route reads O(1) items while the writes stay at one per batch, not one per track.
 */
export class StateTally {
  private readonly bySession = new Map<string, { session: SessionRef; delta: Partial<Record<TrackState, number>> }>();

  /** One track moved from `from` (queued, by default) to `to`. */
  add(session: SessionRef, to: TrackState, from: TrackState = 'queued'): void {
    const entry = this.bySession.get(session.cookie) ?? {
      session: { cookie: session.cookie, storeId: session.storeId },
      delta: {},
    };
    entry.delta[to] = (entry.delta[to] ?? 0) + 1;
    entry.delta[from] = (entry.delta[from] ?? 0) - 1;
    this.bySession.set(session.cookie, entry);
  }

  /** Writes the tallies, one count write per session (see writeCounts: a lost one asks for a recount). */
  async flush(deps: Parameters<typeof writeCounts>[0]): Promise<void> {
    const entries = [...this.bySession.values()];
    this.bySession.clear();
    await Promise.all(entries.map(({ session, delta }) => writeCounts(deps, session, delta)));
  }
}
