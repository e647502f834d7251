import { decodeCursor, encodeCursor, libraryCursorSchema } from '../../core/cursor.js';
import { itemForStore } from '../../core/storeView.js';
import type { Store } from '../../core/types.js';
import type { ApiDeps } from '../deps.js';

const cursorOf = (after: number | undefined): { next?: string } => (after !== undefined ? { next: encodeCursor(libraryCursorSchema, { v: 1, a: after }) } : {});
const positionOf = (next: string | undefined): number | undefined => (next === undefined ? undefined : decodeCursor(libraryCursorSchema, next).a);

/** This store's entries in the user's library, a page at a time. */
export async function listLibrary(deps: ApiDeps, store: Store, userId: string, limit: number, next?: string) {
  const page = await deps.library.list(userId, store.storeId, limit, positionOf(next));
  return {
    // The store's view: its own key and an item id, never a name other stores' files shaped.
    items: page.items.map(({ storeId: _s, userId: _u, ...item }) => itemForStore(userId, store.storeId, item.serviceTrackId, item)),
    ...cursorOf(page.next),
  };
}

/**
 * GetContentIDsInLibrary: the content IDs of this store's tracks in the user's library, up to
 * `limit` (10,000 by default) a page. A library that fits answers as it always did; a larger
 * one carries `next` for the following page.
 */
export async function contentIds(deps: ApiDeps, store: Store, userId: string, limit: number, next?: string): Promise<{ contentIds: number[]; next?: string }> {
  const page = await deps.library.contentIds(userId, store.storeId, limit, positionOf(next));
  return { contentIds: page.ids, ...cursorOf(page.next) };
}
