import * as z from 'zod/mini';
import { allStates, type StateCounts, statesCounted, trackStateSchema } from './trackState.js';

/** The session's counts item: tallies by state (kept per batch), and the cancel mark workers read. */
export interface SessionCounts {
  readonly counts: StateCounts;
  readonly cancelledAt?: string | undefined;
  /** Count writes so far (each batch's adds one): a recount writes only if none came since it read. */
  readonly moves: number;
  /** When the counts last moved. */
  readonly movedAt?: string | undefined;
  /** When a recount was last claimed, and the `moves` at which a walk last found the counts right. */
  readonly recountAt?: string | undefined;
  readonly verifiedMoves?: number | undefined;
  /** A tally below zero (shown as 0): a count write was lost. */
  readonly negative: boolean;
}

/** The tallies as stored: ADD makes them, so a state no track has reached has none. */
const talliesSchema = z.partialRecord(trackStateSchema, z.number());

const marksSchema = z.object({
  moves: z.optional(z.number()),
  movedAt: z.optional(z.string()),
  recountAt: z.optional(z.string()),
  verifiedMoves: z.optional(z.number()),
  cancelledAt: z.optional(z.string()),
});

/** The counts item read back through its schemas; no item yet is all zero. */
export function sessionCountsOf(item: Record<string, unknown> | undefined): SessionCounts {
  const row = item ?? {};
  const tallies = talliesSchema.parse(
    Object.fromEntries(allStates.flatMap((s) => (row[s] === undefined ? [] : [[s, row[s]]]))),
  );
  const marks = marksSchema.parse(row);
  return {
    counts: statesCounted((s) => Math.max(0, tallies[s] ?? 0)),
    negative: allStates.some((s) => (tallies[s] ?? 0) < 0),
    moves: marks.moves ?? 0,
    ...(marks.recountAt !== undefined ? { recountAt: marks.recountAt } : {}),
    ...(marks.verifiedMoves !== undefined ? { verifiedMoves: marks.verifiedMoves } : {}),
    ...(marks.cancelledAt !== undefined ? { cancelledAt: marks.cancelledAt } : {}),
    ...(marks.movedAt !== undefined ? { movedAt: marks.movedAt } : {}),
  };
}
