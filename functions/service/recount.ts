import type { SessionRef } from '../core/queueMessages.js';
import type { SessionCounts } from '../core/sessionCounts.js';
import { allStates, type StateCounts } from '../core/trackState.js';
import type { CommonDeps } from './deps.js';

/**
 * Putting a session's counts right after a count write was lost (a function that died between
 * its state writes and its count write, or a count write that failed): the counts item is kept
 * per batch, not recounted, so nothing else would. Two walks of the tracks, `recountSettleSeconds`
 * apart, must agree, and no count write may come in between or before the result is written:
 * by the second walk every invocation that moved a track before the first has ended (the
 * settle time is at least the longest function timeout) and its count write either came (and
 * the recount gives way) or never will (and the walks hold what it lost). Tracks only move
 * forward in their life cycle, so any move or new track between the walks shows as a difference.
 */

type RecountDeps = Pick<CommonDeps, 'tracks' | 'counts' | 'completionsQueue' | 'settings' | 'logger'>;

const sameCounts = (a: StateCounts, b: Partial<StateCounts>): boolean =>
  allStates.every((st) => a[st] === (b[st] ?? 0));
const staleBefore = (deps: RecountDeps): string =>
  new Date(Date.now() - deps.settings.limits.recountStaleSeconds * 1000).toISOString();
const logged = (deps: RecountDeps, what: string, cookie: string) => (err: unknown) =>
  deps.logger.error(what, { cookie, error: err instanceof Error ? err : String(err) });

/**
 * A batch's count write. One that fails is logged, not thrown (the state moves are made and
 * must not be redone for a count), and asks for a recount, claimed once the counts have been
 * still for `recountStaleSeconds` (SQS delays it up to 15 minutes).
 */
export async function writeCounts(deps: RecountDeps, session: SessionRef, delta: Partial<StateCounts>): Promise<void> {
  const { cookie, storeId } = session;
  await deps.counts.adjust(cookie, delta).catch(async (err: unknown) => {
    logged(deps, 'session counts not updated; recount asked for', cookie)(err);
    await deps.completionsQueue
      .send(
        [{ kind: 'recount', cookie, storeId, claim: true }],
        Math.min(900, deps.settings.limits.recountStaleSeconds),
      )
      .catch(logged(deps, 'recount not asked for', cookie));
  });
}

/**
 * Asks for a recount when the counts item disagrees with what a reader sees (`seen`, exact for
 * a session read whole), holds a tally below zero, or still has tracks pending that no walk has
 * found right; and only once it has not moved for `recountStaleSeconds` and no recount was
 * claimed within that time: then one conditional write, and a message from the reader that wins it.
 */
export async function recountIfStale(
  deps: RecountDeps,
  session: SessionRef,
  stored: SessionCounts,
  seen?: StateCounts,
): Promise<void> {
  const { cookie, storeId } = session;
  if (stored.verifiedMoves === stored.moves && !stored.negative) return;
  const doubtful =
    stored.negative || (seen ? !sameCounts(seen, stored.counts) : stored.counts.queued + stored.counts.stored > 0);
  const before = staleBefore(deps);
  if (!doubtful || (stored.movedAt ?? '') >= before || (stored.recountAt ?? '') >= before) return;
  if (await deps.counts.claimRecount(cookie, before))
    await deps.completionsQueue.send([{ kind: 'recount', cookie, storeId }]);
}

/** One step of a recount, in the completion function: the first walk, or the second and the write. */
export async function recountStep(
  deps: RecountDeps,
  msg: {
    cookie: string;
    storeId?: string | undefined;
    claim?: boolean | undefined;
    check?: { moves: number; counts: Partial<StateCounts> } | undefined;
  },
): Promise<void> {
  if (msg.claim && !(await deps.counts.claimRecount(msg.cookie, staleBefore(deps)))) return; // still moving, or claimed already
  const { moves, counts } = await deps.counts.get(msg.cookie, true);
  if (msg.check && moves !== msg.check.moves) return; // counts moved: they are kept again, and a later read asks anew
  const walked = await deps.tracks.countByState(msg.cookie);
  if (!msg.check) {
    if (sameCounts(walked, counts)) {
      await deps.counts.verify(msg.cookie, moves);
      return;
    }
    await deps.completionsQueue.send(
      [{ kind: 'recount', cookie: msg.cookie, storeId: msg.storeId, check: { moves, counts: walked } }],
      deps.settings.limits.recountSettleSeconds,
    );
    return;
  }
  if (!sameCounts(walked, msg.check.counts)) return; // tracks moved between the walks
  if (await deps.counts.verify(msg.cookie, moves, walked))
    deps.logger.warn('session counts recounted', {
      cookie: msg.cookie,
      was: JSON.stringify(counts),
      now: JSON.stringify(walked),
    });
}
