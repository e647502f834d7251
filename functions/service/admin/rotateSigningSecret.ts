import type { StoresRepo } from '../../adapters/storesRepo.js';
import { newSecret } from '../../core/signature.js';

/**
 * The operator's `store rotate-secret`: a new callback signing secret, sealed and kept beside
 * the previous one (callbacks carry a signature for each until the next rotation), returned
 * once. Undefined when there is no such store.
 */
export async function rotateSigningSecret(
  stores: StoresRepo,
  storeId: string,
): Promise<{ storeId: string; signingSecret: string } | undefined> {
  const signingSecret = newSecret('whsec_');
  const store = await stores.rotateSecret(storeId, signingSecret);
  return store ? { storeId, signingSecret } : undefined;
}
