import { isSettled } from './settled.js';
import type { SessionStatus, SessionTrack } from './types.js';

/** A whole session read once: its counts, and every track of every page. */
export interface SessionOutcome {
  readonly session: Omit<SessionStatus, 'tracks' | 'next'>;
  readonly tracks: readonly SessionTrack[];
  /** Every track is settled: nothing more will happen to the session. */
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

/** Reads a session to its last page. */
export async function readSession(all: AsyncIterable<SessionStatus>): Promise<SessionOutcome> {
  let session: SessionOutcome['session'] | undefined;
  const tracks: SessionTrack[] = [];
  for await (const { tracks: page, next: _next, ...status } of all) {
    session ??= status;
    tracks.push(...page);
  }
  if (!session) throw new Error('a session listing without a page');
  return { session, tracks, settled: tracks.every(isSettled) };
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
