import { StoresRepo } from '../functions/adapters/storesRepo.js';
import type { Target } from './target.js';

/** The target's stores table; with the secret box only where secrets are written: listing needs no key (nor KMS rights). */
export const storesRepo = (target: Target, opts: { sealing?: boolean } = {}): StoresRepo =>
  new StoresRepo(target.clients.ddb, target.names.tables.stores, opts.sealing ? target.secretBox() : undefined);
