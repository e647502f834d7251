import { ApiError } from '../../core/errors.js';
import { HR } from '../../core/hresult.js';
import { itemForStore } from '../../core/storeView.js';
import type { Store } from '../../core/types.js';
import type { ApiDeps } from '../deps.js';

/** This store's entries in the user's library, a page at a time. */
export async function listLibrary(deps: ApiDeps, store: Store, userId: string, limit: number, next?: string) {
  try {
    const page = await deps.library.list(userId, store.storeId, limit, next);
    return {
      // The store's view: its own key and an item id, never a name other stores' files shaped.
      items: page.items.map(({ storeId: _s, userId: _u, ...item }) => itemForStore(userId, store.storeId, item.serviceTrackId, item)),
      ...(page.next ? { next: page.next } : {}),
    };
  } catch (err) {
    if (err instanceof RangeError) throw new ApiError(400, 'invalid_request', 'next: not a cursor from this listing', HR.E_INVALIDARG);
    throw err;
  }
}

/** GetContentIDsInLibrary: the content IDs of this store's tracks in the user's library. */
export async function contentIds(deps: ApiDeps, store: Store, userId: string): Promise<{ contentIds: number[] }> {
  return { contentIds: await deps.library.contentIds(userId, store.storeId) };
}
