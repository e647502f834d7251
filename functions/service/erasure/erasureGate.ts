import type { ErasuresRepo } from '../../adapters/erasuresRepo.js';
import { isRefusing } from '../../core/erasure.js';
import { ApiError } from '../../core/errors.js';
import { HR } from '../../core/hresult.js';

/**
 * Refuses a license, session or DownloadTrack for a user being erased (409 user_erasing) or
 * erased lately (409 user_erased, until the tombstone lapses). One read of the user's erasure
 * record; the worker and the completion function make the same check in reads they make anyway.
 */
export async function refuseErasedUser(deps: { readonly erasures: ErasuresRepo }, userId: string): Promise<void> {
  // Strongly consistent: a request a moment after the erasure began is refused, never let by.
  const erasure = await deps.erasures.get(userId);
  if (!erasure || !isRefusing(erasure)) return;
  if (erasure.state === 'erasing')
    throw new ApiError(
      409,
      'user_erasing',
      `this user's data is being erased (since ${erasure.startedAt}); nothing is taken for them`,
      HR.E_ACCESSDENIED,
    );
  throw new ApiError(
    409,
    'user_erased',
    `this user's data was erased at ${erasure.finishedAt ?? erasure.updatedAt}; nothing is taken for them until ${erasure.refusedUntil}`,
    HR.E_ACCESSDENIED,
  );
}
