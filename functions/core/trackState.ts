import * as z from 'zod/mini';

/** The states a track may be in (see the life cycle below). */
export const trackStateSchema = z.enum(['queued', 'stored', 'completed', 'failed', 'cancelled', 'declined']);

export type TrackState = z.infer<typeof trackStateSchema>;

export const allStates: readonly TrackState[] = trackStateSchema.options;

/**
 * The track life cycle. A store's failure code makes a track `declined` at once. An approved
 * track is `queued`, then `stored` once its file is in the Music folder, then `completed` when
 * the store has acknowledged DownloadTrackComplete. `failed` and `cancelled` end it without a
 * file; they are terminal for the track, and the callback for them is tracked by `notifiedAt`.
 */
const transitions: Record<TrackState, readonly TrackState[]> = {
  queued: ['stored', 'failed', 'cancelled'],
  stored: ['completed'],
  completed: [],
  failed: [],
  cancelled: [],
  declined: [],
};

export function canTransition(from: TrackState, to: TrackState): boolean {
  return transitions[from].includes(to);
}

/** The states a track may be in for a move to `to`: the guard of the conditional write. */
export function sourcesOf(to: TrackState): TrackState[] {
  return (Object.keys(transitions) as TrackState[]).filter((s) => transitions[s].includes(to));
}

export const terminalStates: readonly TrackState[] = ['completed', 'failed', 'cancelled', 'declined'];

export function isTerminal(state: TrackState): boolean {
  return terminalStates.includes(state);
}

/** A number for every state. */
const stateCountsSchema = z.record(trackStateSchema, z.number());

export type StateCounts = z.infer<typeof stateCountsSchema>;

/** A count for every state, from `count`. */
export function statesCounted(count: (state: TrackState) => number): StateCounts {
  return stateCountsSchema.parse(Object.fromEntries(allStates.map((s) => [s, count(s)])));
}

export function countStates(states: Iterable<TrackState>): StateCounts {
  const counts = statesCounted(() => 0);
  for (const s of states) counts[s] += 1;
  return counts;
}
