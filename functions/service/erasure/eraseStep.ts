import { type ErasurePhase, type ErasureRemoved, nextPhase } from '../../core/erasure.js';
import type { EraseMessage } from '../../core/queueMessages.js';
import { erasureSettleSeconds } from '../../settings.js';
import { cancelTracks } from '../cancelTracks.js';
import type { EraserDeps } from '../deps.js';

/** SQS's longest DelaySeconds: a longer settle is waited out in several. */
const MAX_DELAY_SECONDS = 900;
/** Sessions a cancel or downloads step takes at a time. */
const SESSIONS_PAGE = 25;

/** The next message of the chain: its phase and what it carries. */
type Next = Pick<EraseMessage, 'phase' | 'sessions' | 'until'>;

/** What one step did: what it removed, and where the erasure goes next. */
interface StepOutcome {
  readonly removed?: Partial<ErasureRemoved>;
  /** The same phase again (more to do) or the next one. */
  readonly next: Next;
  readonly delaySeconds?: number;
}

/**
 * One step of a user's erasure, run by the worker from the erasures queue:
 * at most `erasure.stepItems` items or objects, then the next step is queued. Each step takes
 * what is left rather than a position, so one that dies part-way is run again by SQS and
 * finishes the work. The record counts the steps: only the message of the step it expects
 * advances it and sends the next, so a duplicate never starts a second chain; the step that
 * advanced it, delivered again (it died before its next was sent), sends the next again.
 */
export async function eraseStep(deps: EraserDeps, msg: EraseMessage, messageId: string): Promise<void> {
  const record = await deps.erasures.get(msg.userId);
  const log = { userId: msg.userId, erasureId: msg.erasureId, phase: msg.phase, step: msg.step };
  if (!record || record.erasureId !== msg.erasureId || record.state === 'erased') {
    deps.logger.info('erasure step of an erasure that does not stand', log);
    return;
  }
  const redelivered = record.step === msg.step + 1 && record.advancedBy === messageId;
  if (record.step !== msg.step && !redelivered) {
    deps.logger.info('erasure step already taken', { ...log, at: record.step });
    return;
  }
  const outcome = await run(deps, msg);
  if (!redelivered) {
    const advanced = await deps.erasures.advance(
      msg.userId,
      msg.erasureId,
      msg.step,
      messageId,
      outcome.next.phase,
      outcome.removed,
    );
    if (!advanced) return;
  }
  if (outcome.next.phase === 'done') {
    const refusedUntil = new Date(Date.now() + deps.settings.erasure.tombstoneDays * 86_400_000).toISOString();
    await deps.erasures.finish(msg.userId, msg.erasureId, refusedUntil);
    deps.logger.info('user erased', log);
    deps.telemetry.count('UsersErased');
    return;
  }
  await deps.erasuresQueue.send(
    [
      {
        kind: 'erase',
        userId: msg.userId,
        erasureId: msg.erasureId,
        step: msg.step + 1,
        ...outcome.next,
      },
    ],
    outcome.delaySeconds ?? 0,
  );
}

async function run(deps: EraserDeps, msg: EraseMessage): Promise<StepOutcome> {
  const { userId, erasureId } = msg;
  const limit = Math.max(1, deps.settings.erasure.stepItems);
  const again = (phase: ErasurePhase, more: boolean): Next => ({ phase: more ? phase : nextPhase(phase) });
  const noteStores = (storeIds: string[]) => deps.erasures.addStores(userId, erasureId, storeIds);
  switch (msg.phase) {
    case 'cancel':
    case 'recancel': {
      // Every session is cancelled, so DownloadTrack refuses it (409 user_erasing); one with
      // tracks queued gets a cancel's chunk chains: each such track ends E_ABORT with its callback.
      const page = await deps.sessions.ofUser(userId, SESSIONS_PAGE, msg.sessions);
      await noteStores(page.sessions.map((s) => s.storeId));
      for (const s of page.sessions) {
        const counts = await deps.counts.get(s.cookie, true);
        if (counts.counts.queued > 0 && !counts.cancelledAt) await cancelTracks(deps, s.cookie, s.storeId);
        else await deps.sessions.markCancelled(s.cookie);
      }
      return { next: page.next ? { phase: msg.phase, sessions: page.next } : { phase: nextPhase(msg.phase) } };
    }
    case 'settle': {
      // Timed on this function's clock from its first look, which is after the record was
      // written: never shorter than the settle, whoever's clock started the erasure.
      const until = msg.until ?? new Date(Date.now() + erasureSettleSeconds(deps.settings) * 1000).toISOString();
      const left = Date.parse(until) - Date.now();
      if (left <= 0) return { next: { phase: 'recancel' } };
      return { next: { phase: 'settle', until }, delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(left / 1000)) };
    }
    case 'licenses': {
      const out = await deps.licenses.eraseOfUser(userId, limit, noteStores);
      return { removed: { licenses: out.deleted }, next: again('licenses', out.more) };
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
      const out = await deps.library.eraseOfUser(userId, limit, noteStores);
      return { removed: { libraryItems: out.deleted }, next: again('library', out.more) };
    }
    case 'downloads': {
      // Session by session: each one's tracks, then its own items, then its list entries.
      const page = await deps.sessions.ofUser(userId, SESSIONS_PAGE);
      await noteStores(page.sessions.map((s) => s.storeId));
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
      const record = await deps.erasures.get(userId);
      await deps.completionsQueue.send(
        (record?.stores ?? []).map((storeId) => ({
          kind: 'userErased' as const,
          storeId,
          userId,
          erasureId,
          erasedAt,
        })),
      );
      return { next: { phase: 'done' } };
    }
    case 'done':
      return { next: { phase: 'done' } };
  }
}

/** Everything of the user's in the media bucket: the Music folder and anything beside it. */
export const userPrefix = (userId: string): string => `users/${userId}/`;
