import type { StoresRepo } from '../../adapters/storesRepo.js';
import { hashApiKey, newApiKey } from '../../core/apiKey.js';
import type { AuditEntry, Store } from '../../core/storedRecords.js';
import { registerStoreSchema, storeOrigins } from './registerStore.js';

/**
 * The operator's actions on a store after `store add`, each kept for audit (who, what, when) in
 * the stores table. A store's users' files and library rows are theirs: no action here touches them.
 */
export interface LifecycleContext {
  readonly stores: StoresRepo;
  /** Who acts: the operator's identity as the CLI knows it. */
  readonly actor: string;
  /** Buckets the stack owns: no store may allowlist them. */
  readonly ownBuckets: readonly string[];
}

export class NoSuchStoreError extends Error {
  override readonly name = 'NoSuchStoreError';
}

/** An API key is shown by the start of its hash: enough to tell a store's few keys apart, no secret. */
export const keyIdOf = (hash: string): string => hash.slice(0, 12);

/** Keeps one action for audit; `store add` and `store rotate-secret` record theirs here too. */
export async function audit(ctx: LifecycleContext, storeId: string, action: string, detail: string): Promise<void> {
  const entry: AuditEntry = { storeId, at: new Date().toISOString(), actor: ctx.actor, action, detail };
  await ctx.stores.putAudit(entry);
}

async function mustExist(ctx: LifecycleContext, storeId: string): Promise<Store> {
  const store = await ctx.stores.get(storeId);
  if (!store) throw new NoSuchStoreError(`no store ${storeId}`);
  return store;
}

/** A new API key beside the ones the store has: both work until the old one is revoked. Returned once. */
export async function rotateApiKey(ctx: LifecycleContext, storeId: string): Promise<{ apiKey: string; keyId: string }> {
  await mustExist(ctx, storeId);
  const apiKey = newApiKey();
  const hash = hashApiKey(apiKey);
  await ctx.stores.addKey(storeId, hash);
  await audit(ctx, storeId, 'rotate-key', `added API key ${keyIdOf(hash)}`);
  return { apiKey, keyId: keyIdOf(hash) };
}

export async function apiKeysOf(
  ctx: LifecycleContext,
  storeId: string,
): Promise<{ keyId: string; createdAt: string }[]> {
  await mustExist(ctx, storeId);
  return (await ctx.stores.keysOf(storeId)).map((k) => ({ keyId: keyIdOf(k.hash), createdAt: k.createdAt }));
}

export class KeyNotFoundError extends Error {
  override readonly name = 'KeyNotFoundError';
}

/** Revokes one of the store's keys, by its id; the last key is kept unless `allowNone`, so a store is not locked out by mistake. */
export async function revokeApiKey(
  ctx: LifecycleContext,
  storeId: string,
  keyId: string,
  opts: { allowNone?: boolean } = {},
): Promise<void> {
  await mustExist(ctx, storeId);
  const keys = await ctx.stores.keysOf(storeId);
  const key = keys.find((k) => keyIdOf(k.hash) === keyId);
  if (!key) throw new KeyNotFoundError(`store ${storeId} has no API key ${keyId}`);
  if (keys.length === 1 && !opts.allowNone)
    throw new KeyNotFoundError(`${keyId} is the only API key of ${storeId}: rotate first, or suspend the store`);
  await ctx.stores.deleteKey(key.hash);
  await audit(ctx, storeId, 'revoke-key', `revoked API key ${keyId}`);
}

export interface StoreChanges {
  readonly name?: string | undefined;
  readonly callbackUrl?: string | undefined;
  readonly allowOrigins?: readonly string[] | undefined;
  readonly redownload?: boolean | undefined;
}

/** New settings for a store: the callback URL, the allowlist (own buckets still refused), the name, re-downloads. */
export async function updateStore(ctx: LifecycleContext, storeId: string, changes: StoreChanges): Promise<Store> {
  const before = await mustExist(ctx, storeId);
  // The same rules as `store add`'s, from its schema (a ZodError names what is wrong).
  const { callbackUrl, allowOrigins: given } = registerStoreSchema.shape;
  if (changes.callbackUrl !== undefined) callbackUrl.parse(changes.callbackUrl);
  const allowOrigins =
    changes.allowOrigins === undefined
      ? undefined
      : storeOrigins(given.parse([...changes.allowOrigins]), ctx.ownBuckets);
  const after = await ctx.stores.update(storeId, {
    name: changes.name,
    callbackUrl: changes.callbackUrl,
    allowOrigins,
    redownload: changes.redownload,
  });
  if (!after) throw new NoSuchStoreError(`no store ${storeId}`);
  const changed = (['name', 'callbackUrl', 'allowOrigins', 'redownload'] as const)
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`);
  await audit(ctx, storeId, 'update', changed.join('; ') || 'no change');
  return after;
}

/** Suspends a store: its calls answer 403 store_suspended, its queued downloads wait (held, not lost). */
export async function suspendStore(ctx: LifecycleContext, storeId: string, reason: string): Promise<Store> {
  // The write's own condition finds a missing store: no read first.
  const store = await ctx.stores.setSuspended(storeId, new Date().toISOString());
  if (!store) throw new NoSuchStoreError(`no store ${storeId}`);
  await audit(ctx, storeId, 'suspend', reason || 'suspended');
  return store;
}

export async function resumeStore(ctx: LifecycleContext, storeId: string): Promise<Store> {
  const store = await ctx.stores.setSuspended(storeId, undefined);
  if (!store) throw new NoSuchStoreError(`no store ${storeId}`);
  await audit(ctx, storeId, 'resume', 'resumed');
  return store;
}

/**
 * Removes a store and its API keys. Its users' files, library rows and licenses stay: they are
 * the users' purchases. Tracks still queued for it end failed (E_ACCESSDENIED) without a
 * callback, as there is no one left to tell; its audit trail stays.
 */
export async function removeStore(ctx: LifecycleContext, storeId: string): Promise<void> {
  if (!(await ctx.stores.remove(storeId))) throw new NoSuchStoreError(`no store ${storeId}`);
  await audit(ctx, storeId, 'remove', "removed with its API keys; its users' files and library rows stay");
}

export const auditTrail = (ctx: LifecycleContext, storeId: string): Promise<AuditEntry[]> =>
  ctx.stores.auditOf(storeId);
