import type { LicenseBatchAnswer } from '../../core/answers.js';
import { ApiError } from '../../core/errors.js';
import { HR } from '../../core/hresult.js';
import type { Store } from '../../core/storedRecords.js';
import type { ApiDeps } from '../deps.js';
import { refuseErasedUser } from '../erasure/erasureGate.js';

/** Predelivers (or updates) a license; true when it is new. */
export async function putLicense(
  deps: ApiDeps,
  store: Store,
  userId: string,
  serviceTrackId: number,
  body: { licenseId?: string | undefined; expiresAt?: string | undefined },
): Promise<boolean> {
  await refuseErasedUser(deps, userId);
  return deps.licenses.put({
    userId,
    storeId: store.storeId,
    serviceTrackId,
    licenseId: body.licenseId,
    expiresAt: body.expiresAt ? new Date(body.expiresAt).toISOString() : undefined,
    updatedAt: new Date().toISOString(),
  });
}

/**
 * Predelivers up to a batch of licenses in BatchWriteItem calls of 25 (a launch's licenses at a
 * twenty-fifth of the requests). Each gets its own result: one DynamoDB could not take after its
 * retries says `throttled` (retry that one), the others are stored. BatchWriteItem cannot tell
 * a new license from a replaced one, so each answers `stored`.
 */
export async function putLicenseBatch(
  deps: ApiDeps,
  store: Store,
  userId: string,
  items: readonly { serviceTrackId: number; licenseId?: string | undefined; expiresAt?: string | undefined }[],
): Promise<LicenseBatchAnswer> {
  await refuseErasedUser(deps, userId);
  const now = new Date().toISOString();
  const unstored = await deps.licenses.putMany(
    items.map((b) => ({
      userId,
      storeId: store.storeId,
      serviceTrackId: b.serviceTrackId,
      licenseId: b.licenseId,
      expiresAt: b.expiresAt ? new Date(b.expiresAt).toISOString() : undefined,
      updatedAt: now,
    })),
  );
  const throttled = new ApiError(429, 'throttled', 'DynamoDB is busy; retry this license', HR.E_FAIL).toBody().error;
  return {
    results: items.map((b) =>
      unstored.has(b.serviceTrackId)
        ? { serviceTrackId: b.serviceTrackId, error: throttled }
        : { serviceTrackId: b.serviceTrackId, state: 'stored' as const },
    ),
  };
}

export async function deleteLicense(
  deps: ApiDeps,
  store: Store,
  userId: string,
  serviceTrackId: number,
): Promise<void> {
  if (!(await deps.licenses.delete(userId, store.storeId, serviceTrackId))) {
    throw new ApiError(404, 'license_not_found', 'no license from this store for this user and track', HR.E_INVALIDARG);
  }
}
