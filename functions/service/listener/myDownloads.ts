import type { ListenerSessionsPage } from '../../core/answers.js';
import { decodeCursor, encodeCursor, listenerSessionsCursorSchema } from '../../core/cursor.js';
import { listenerSessionId } from '../../core/listenerSessionId.js';
import type { ListenerDeps } from '../deps.js';

/**
 * The user's download sessions, newest first, each with its tracks counted by state (from the
 * session's counts item: two small reads a session, whatever its size). The
 * cookie stays the store's: the listener gets a stable id derived from it, not the cookie.
 */
export async function myDownloads(
  deps: ListenerDeps,
  userId: string,
  limit: number,
  next?: string,
): Promise<ListenerSessionsPage> {
  const from =
    next === undefined ? undefined : decodeCursor(listenerSessionsCursorSchema, next, `me-sessions:${userId}`);
  const page = await deps.sessions.ofUser(userId, limit, from && { createdAt: from.t, id: from.i });
  const unique = [...new Map(page.sessions.map((s) => [s.cookie, s])).values()];
  const sessions = await Promise.all(
    unique.map(async (ref) => {
      const [session, { counts }] = await Promise.all([deps.sessions.get(ref.cookie), deps.counts.get(ref.cookie)]);
      // A list entry whose session was never written (a request that died in between), or one
      // of another user's (never: the list is per user), is left out.
      if (!session || session.userId !== userId) return undefined;
      const pending = counts.queued + counts.stored;
      return {
        id: listenerSessionId(session.cookie),
        storeId: session.storeId,
        createdAt: session.createdAt,
        ...(session.cancelledAt ? { cancelledAt: session.cancelledAt } : {}),
        inProgress: pending > 0,
        total: Object.values(counts).reduce((a, b) => a + b, 0),
        counts,
      };
    }),
  );
  const cursor =
    page.next &&
    encodeCursor(
      listenerSessionsCursorSchema,
      { v: 1, t: page.next.createdAt, i: page.next.id },
      `me-sessions:${userId}`,
    );
  return { sessions: sessions.filter((s) => s !== undefined), ...(cursor ? { next: cursor } : {}) };
}
