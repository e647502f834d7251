import { createHash } from 'node:crypto';
import { trackKey } from './keyLayout.js';
import type { StoredItem } from './storedRecords.js';

/**
 * What a store may learn of the user's folder: its own track's facts, nothing another store's
 * files shaped. The object key itself may carry a collision suffix (`… (2)`) because of a file
 * another store delivered; a store is shown instead the key its own track's tags give it
 * (`keyForStore`) and a stable, opaque `itemId`. The listener, whose folder it is, sees the real key.
 */
export function keyForStore(userId: string, serviceTrackId: number, item: StoredItem): string {
  const ext = /\.([a-z0-9]{1,5})$/.exec(item.key)?.[1] ?? 'bin';
  return trackKey({ userId, serviceTrackId, tags: item, ext });
}

/** An opaque id of one library item (user, store, track): the same in callbacks, status and listings. */
export function itemIdFor(userId: string, storeId: string, serviceTrackId: number): string {
  return createHash('sha256')
    .update(`${userId}\u0000${storeId}\u0000${serviceTrackId}`)
    .digest('base64url')
    .slice(0, 22);
}

/** An item as a store is shown it: `key` from its own tags, and its `itemId`. */
export function itemForStore<T extends StoredItem>(
  userId: string,
  storeId: string,
  serviceTrackId: number,
  item: T,
): T & { itemId: string } {
  return {
    ...item,
    key: keyForStore(userId, serviceTrackId, item),
    itemId: itemIdFor(userId, storeId, serviceTrackId),
  };
}
