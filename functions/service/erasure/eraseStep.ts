import { isConditionFailed } from '../../adapters/isConditionFailed.js';
import { type ErasurePhase, type ErasureRecord, type ErasureRemoved, nextPhase } from '../../core/erasure.js';
import type { CompletionMessage } from '../../core/queueMessages.js';
import { erasureSettleSeconds } from '../../settings.js';
import { cancelTracks } from '../cancelTracks.js';
import type { CompletionDeps } from '../deps.js';

type EraseMessage = Extract<CompletionMessage, { kind: 'erase' }>;

/** SQS's longest DelaySeconds: a longer settle is waited out in several. */
const MAX_DELAY_SECONDS = 900;
/** Sessions the cancel step takes at a time. */
const CANCEL_PAGE = 25;

/** What one step did: what it removed, the stores it found, and where the erasure goes next. */
interface StepOutcome {
  readonly removed?: Partial<ErasureRemoved>;
  readonly stores?: readonly string[];
  /** The next message: the same phase again (more to do) or the next one. */
  readonly next: Omit<EraseMessage, 'kind' | 'userId' | 'erasureId' | 'storeId'>;
  readonly delaySeconds?: number;
}

/**
 * One step of a user's erasure, run by the completion function from the completions queue:
 * at most `erasure.stepItems` items or objects, then the next step is queued. Each step takes
 * what is left rather than a position, so one that dies part-way is run again by SQS and
 * finishes the work; a repeated step (a redelivery after its successor was sent) only repeats
 * idempotent deletes. A step of an erasure that no longer stands (a later one replaced its
 * tombstone) is dropped.
 */
export async function eraseStep(deps: CompletionDeps, msg: EraseMessage): Promise<void> {
  const record = await deps.erasures.get(msg.userId);
  if (!record || record.erasureId !== msg.erasureId || record.state === 'erased') {
    deps.logger.info('erasure step of an erasure that does not stand', {
      userId: msg.userId,
      erasureId: msg.erasureId,
    });
    return;
  }
  const outcome = await run(deps, msg, record);
  try {
    await deps.erasures.advance(msg.userId, msg.erasureId, outcome.next.phase, outcome.removed, outcome.stores);
  } catch (err) {
    if (isConditionFailed(err)) return;
    throw err;
  }
  if (outcome.next.phase === 'done') {
    const refusedUntil = new Date(Date.now() + deps.settings.erasure.tombstoneDays * 86_400_000).toISOString();
    await deps.erasures.finish(msg.userId, msg.erasureId, refusedUntil);
    deps.logger.info('user erased', { userId: msg.userId, erasureId: msg.erasureId, removed: record.removed });
    deps.telemetry.count('UsersErased');
    return;
  }
  await deps.completionsQueue.send(
    [{ kind: 'erase', storeId: undefined, userId: msg.userId, erasureId: msg.erasureId, ...outcome.next }],
    outcome.delaySeconds ?? 0,
  );
}

async function run(deps: CompletionDeps, msg: EraseMessage, record: ErasureRecord): Promise<StepOutcome> {
  const { userId } = msg;
  const limit = deps.settings.erasure.stepItems;
  const again = (phase: ErasurePhase, more: boolean): StepOutcome['next'] => ({
    phase: more ? phase : nextPhase(phase),
  });
  switch (msg.phase) {
    case 'cancel': {
      // Every session is cancelled, so DownloadTrack refuses it (409 user_erasing); one with
      // tracks queued gets a cancel's chunk chains: each such track ends E_ABORT with its callback.
      const page = await deps.sessions.ofUser(userId, CANCEL_PAGE, msg.sessions);
      for (const s of page.sessions) {
        const counts = await deps.counts.get(s.cookie, true);
        if (counts.counts.queued > 0 && !counts.cancelledAt) await cancelTracks(deps, s.cookie, s.storeId);
        else await deps.sessions.markCancelled(s.cookie);
      }
      return { next: page.next ? { phase: 'cancel', sessions: page.next } : { phase: 'settle' } };
    }
    case 'settle': {
      const left = Date.parse(record.startedAt) + erasureSettleSeconds(deps.settings) * 1000 - Date.now();
      if (left <= 0) return { next: { phase: 'licenses' } };
      return { next: { phase: 'settle' }, delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(left / 1000)) };
    }
    case 'licenses': {
      const out = await deps.licenses.eraseOfUser(userId, limit);
      return { removed: { licenses: out.deleted }, stores: out.storeIds, next: again('licenses', out.more) };
    }
    case 'objects': {
      const out = await deps.userFiles.eraseCurrent(userPrefix(userId), limit);
      return { removed: { objects: out.deleted }, next: again('objects', out.more) };
    }
    case 'versions': {
      const out = await deps.userFiles.eraseVersions(userPrefix(userId), limit);
      return { removed: { versions: out.deleted }, next: again('versions', out.more) };
    }
    case 'library': {
      const out = await deps.library.eraseOfUser(userId, limit);
      return { removed: { libraryItems: out.deleted }, next: again('library', out.more) };
    }
    case 'downloads': {
      // Session by session, oldest work first: each one's items, then its list entries.
      const page = await deps.sessions.ofUser(userId, CANCEL_PAGE);
      let deleted = 0;
      for (const s of page.sessions) {
        const out = await deps.sessions.eraseOfUser(userId, s, limit - deleted);
        deleted += out.deleted;
        if (!out.gone || deleted >= limit) break;
      }
      return { removed: { downloadItems: deleted }, next: again('downloads', page.sessions.length > 0) };
    }
    case 'notify': {
      const erasedAt = new Date().toISOString();
      const stores = [...new Set(record.stores ?? [])];
      await deps.completionsQueue.send(
        stores.map((storeId) => ({ kind: 'userErased' as const, storeId, userId, erasureId: msg.erasureId, erasedAt })),
      );
      return { next: { phase: 'done' } };
    }
    case 'done':
      return { next: { phase: 'done' } };
  }
}

/** Everything of the user's in the media bucket: the Music folder and anything beside it. */
export const userPrefix = (userId: string): string => `users/${userId}/`;
