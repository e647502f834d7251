import type { ItemUrl, ListenerItem, ListenerLibraryPage } from '../../core/answers.js';
import { contentDisposition, fileNameOf } from '../../core/contentDisposition.js';
import { decodeCursor, encodeCursor, listenerLibraryCursorSchema } from '../../core/cursor.js';
import { ApiError } from '../../core/errors.js';
import { HR } from '../../core/hresult.js';
import { servedMediaType } from '../../core/mediaType.js';
import type { LibraryItem } from '../../core/storedRecords.js';
import type { ListenerDeps } from '../deps.js';

/** A library row as the listener sees it: the file, its tags and where it came from, no store internals. */
export function listenerItem(row: LibraryItem): ListenerItem {
  const { userId: _u, cookie: _c, ...item } = row;
  return { ...item, fileName: fileNameOf(row.key), contentType: servedMediaType(row.key, row.container, row.codec) };
}

/** The user's library across every store, a page at a time. */
export async function myLibrary(
  deps: ListenerDeps,
  userId: string,
  limit: number,
  next?: string,
): Promise<ListenerLibraryPage> {
  const from = next === undefined ? undefined : decodeCursor(listenerLibraryCursorSchema, next, `me-library:${userId}`);
  const page = await deps.library.listAcrossStores(userId, limit, from && { storeId: from.s, serviceTrackId: from.a });
  const cursor =
    page.next &&
    encodeCursor(
      listenerLibraryCursorSchema,
      { v: 1, s: page.next.storeId, a: page.next.serviceTrackId },
      `me-library:${userId}`,
    );
  return { items: page.items.map(listenerItem), ...(cursor ? { next: cursor } : {}) };
}

/** One item of the user's own library; anyone else's, like a missing one, is unknown. */
export async function myItem(
  deps: ListenerDeps,
  userId: string,
  storeId: string,
  serviceTrackId: number,
): Promise<LibraryItem> {
  const row = await deps.library.get(userId, storeId, serviceTrackId);
  if (!row) throw new ApiError(404, 'item_not_found', 'no such item in your library', HR.E_INVALIDARG);
  return row;
}

export interface ItemUrlOptions {
  readonly part: 'audio' | 'cover';
  readonly disposition: 'inline' | 'attachment';
}

/**
 * A short-lived presigned GET URL for the item's file (or its album's cover), which S3 serves
 * with the Content-Type of its detected format and a Content-Disposition naming the file. The key comes from
 * the user's own row, so a URL never points outside `users/{userId}/`.
 */
export async function myItemUrl(
  deps: ListenerDeps,
  userId: string,
  storeId: string,
  serviceTrackId: number,
  opts: ItemUrlOptions,
): Promise<ItemUrl> {
  const row = await myItem(deps, userId, storeId, serviceTrackId);
  const key = opts.part === 'cover' ? row.coverKey : row.key;
  if (!key) throw new ApiError(404, 'cover_not_found', 'this item has no cover art', HR.E_INVALIDARG);
  if (!key.startsWith(`users/${userId}/`))
    throw new ApiError(404, 'item_not_found', 'no such item in your library', HR.E_INVALIDARG);
  const fileName = fileNameOf(key);
  // From the bytes' container (or trackdrop's own extension), never the type the origin sent.
  const contentType = opts.part === 'cover' ? servedMediaType(key) : servedMediaType(key, row.container, row.codec);
  const ttl = deps.settings.listener.urlTtlSeconds;
  const url = await deps.fileUrls.sign({
    key,
    contentType,
    contentDisposition: contentDisposition(opts.disposition, fileName),
    expiresInSeconds: ttl,
  });
  return { url, expiresAt: new Date(Date.now() + ttl * 1000).toISOString(), fileName, contentType };
}
