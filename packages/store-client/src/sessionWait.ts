import { isSettled } from './settled.js';
import type { SessionStatus, SessionTrack } from './types.js';

/** A whole session read once: its counts, and every track of every page. */
export interface SessionOutcome {
  readonly session: Omit<SessionStatus, 'tracks' | 'next'>;
  readonly tracks: readonly SessionTrack[];
  /** Every track is settled and the counts agree: nothing more will happen to the session. */
  readonly settled: boolean;
}

export interface WaitOptions {
  /** Tracks a page when reading the session (the API's default, 1,000, when unset). */
  readonly pageSize?: number;
  /** How long to wait for the session to settle; 60 s by default. */
  readonly timeoutMs?: number;
  /** Between two reads of the session; 250 ms by default. */
  readonly intervalMs?: number;
  /** Told of every read. */
  readonly onProgress?: (outcome: SessionOutcome) => void;
}

/** The session had not settled by the deadline: the last read of it is kept. */
export class SessionWaitTimeout extends Error {
  override readonly name = 'SessionWaitTimeout';
  constructor(readonly outcome: SessionOutcome) {
    super(`session ${outcome.session.cookie} had not settled: ${JSON.stringify(outcome.session.counts)}`);
  }
}

/**
 * Reads a session to its last page. The session's counts are those of the last page, read
 * after every track; a session of several pages reports counts kept per batch, which can trail
 * its tracks for a moment, so it is settled once its tracks are and its counts agree with them.
 */
export async function readSession(all: AsyncIterable<SessionStatus>): Promise<SessionOutcome> {
  let session: SessionOutcome['session'] | undefined;
  const tracks: SessionTrack[] = [];
  for await (const { tracks: page, next: _next, ...status } of all) {
    session = status;
    tracks.push(...page);
  }
  if (!session) throw new Error('a session listing without a page');
  return { session, tracks, settled: tracks.every(isSettled) && countsAgree(session.counts, tracks) };
}

/** The counts say what the tracks say: as many in each state. */
function countsAgree(counts: SessionStatus['counts'], tracks: readonly SessionTrack[]): boolean {
  const seen = new Map<string, number>();
  for (const t of tracks) seen.set(t.state, (seen.get(t.state) ?? 0) + 1);
  return Object.entries(counts).every(([state, n]) => (seen.get(state) ?? 0) === n);
}

/** Reads the session, every page of it, until every track has settled; throws SessionWaitTimeout at the deadline. */
export async function waitForSession(
  read: () => Promise<SessionOutcome>,
  opts: WaitOptions = {},
): Promise<SessionOutcome> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const outcome = await read();
    opts.onProgress?.(outcome);
    if (outcome.settled) return outcome;
    if (Date.now() >= deadline) throw new SessionWaitTimeout(outcome);
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 250));
  }
}
