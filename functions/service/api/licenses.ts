import { ApiError } from '../../core/errors.js';
import { HR } from '../../core/hresult.js';
import type { Store } from '../../core/types.js';
import type { ApiDeps } from '../deps.js';

/** Predelivers (or updates) a license; true when it is new. */
export async function putLicense(
  deps: ApiDeps,
  store: Store,
  userId: string,
  serviceTrackId: number,
  body: { licenseId?: string | undefined; expiresAt?: string | undefined },
): Promise<boolean> {
  return deps.licenses.put({
    userId,
    storeId: store.storeId,
    serviceTrackId,
    licenseId: body.licenseId,
    expiresAt: body.expiresAt ? new Date(body.expiresAt).toISOString() : undefined,
    updatedAt: new Date().toISOString(),
  });
}

export async function deleteLicense(deps: ApiDeps, store: Store, userId: string, serviceTrackId: number): Promise<void> {
  if (!(await deps.licenses.delete(userId, store.storeId, serviceTrackId))) {
    throw new ApiError(404, 'license_not_found', 'no license from this store for this user and track', HR.E_INVALIDARG);
  }
}
