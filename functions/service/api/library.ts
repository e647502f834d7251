import type { ContentIdsPage, LibraryPage } from '../../core/answers.js';
import { decodeCursor, encodeCursor, libraryCursorSchema } from '../../core/cursor.js';
import type { Store } from '../../core/storedRecords.js';
import { itemForStore } from '../../core/storeView.js';
import type { ApiDeps } from '../deps.js';

/** Which listing a cursor is for: this store's view of this user's library, on one route. */
const listingOf = (route: 'items' | 'content-ids', store: Store, userId: string): string =>
  `library:${route}:${store.storeId}:${userId}`;
const cursorOf = (after: number | undefined, listing: string): { next?: string } =>
  after !== undefined ? { next: encodeCursor(libraryCursorSchema, { v: 1, a: after }, listing) } : {};
const positionOf = (next: string | undefined, listing: string): number | undefined =>
  next === undefined ? undefined : decodeCursor(libraryCursorSchema, next, listing).a;

/** This store's entries in the user's library, a page at a time. */
export async function listLibrary(
  deps: ApiDeps,
  store: Store,
  userId: string,
  limit: number,
  next?: string,
): Promise<LibraryPage> {
  const listing = listingOf('items', store, userId);
  const page = await deps.library.list(userId, store.storeId, limit, positionOf(next, listing));
  return {
    // The store's view: its own key and an item id, never a name other stores' files shaped.
    items: page.items.map(({ storeId: _s, userId: _u, ...item }) =>
      itemForStore(userId, store.storeId, item.serviceTrackId, item),
    ),
    ...cursorOf(page.next, listing),
  };
}

/**
 * GetContentIDsInLibrary: the content IDs of this store's tracks in the user's library, up to
 * `limit` (10,000 by default) a page. A library that fits answers as it always did; a larger
 * one carries `next` for the following page.
 */
export async function contentIds(
  deps: ApiDeps,
  store: Store,
  userId: string,
  limit: number,
  next?: string,
): Promise<ContentIdsPage> {
  const listing = listingOf('content-ids', store, userId);
  const page = await deps.library.contentIds(userId, store.storeId, limit, positionOf(next, listing));
  return { contentIds: page.ids, ...cursorOf(page.next, listing) };
}
