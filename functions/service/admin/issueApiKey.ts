import type { StoresRepo } from '../../adapters/storesRepo.js';
import { hashApiKey, newApiKey } from '../../core/apiKey.js';

/** A further API key for an existing store, returned once; only its SHA-256 is kept. */
export async function issueApiKey(stores: StoresRepo, storeId: string): Promise<string> {
  const apiKey = newApiKey();
  await stores.addKey(storeId, hashApiKey(apiKey));
  return apiKey;
}
