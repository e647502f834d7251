import { hashApiKey } from '../../core/apiKey.js';
import { ApiError } from '../../core/errors.js';
import { HR } from '../../core/hresult.js';
import type { Store } from '../../core/storedRecords.js';
import type { ApiDeps } from '../deps.js';

/** `Authorization: Bearer <key>` → the store it belongs to. Only the key's SHA-256 is looked up. */
export async function authenticate(deps: ApiDeps, authorization: string | undefined): Promise<Store> {
  const key = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!key)
    throw new ApiError(
      401,
      'unauthenticated',
      'missing "Authorization: Bearer <store API key>" header',
      HR.E_ACCESSDENIED,
    );
  const store = await deps.stores.findByKeyHash(hashApiKey(key));
  if (!store) throw new ApiError(401, 'unauthenticated', 'unknown API key', HR.E_ACCESSDENIED);
  if (store.suspendedAt)
    throw new ApiError(
      403,
      'store_suspended',
      `this store was suspended by the operator at ${store.suspendedAt}; its queued downloads wait until it is resumed`,
      HR.E_ACCESSDENIED,
    );
  return store;
}
