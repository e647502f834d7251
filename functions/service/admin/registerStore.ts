import * as z from 'zod/mini';
import type { StoresRepo } from '../../adapters/storesRepo.js';
import { hashApiKey, newApiKey } from '../../core/apiKey.js';
import { storeIdSchema } from '../../core/schemas.js';
import { newSecret } from '../../core/signature.js';
import { normalizeOrigin } from '../../core/sourceUrl.js';

export const registerStoreSchema = z.strictObject({
  storeId: storeIdSchema,
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  callbackUrl: z.url({ protocol: /^https?$/, error: 'callback URL must be an http(s) URL' }),
  allowOrigins: z.array(z.string()).check(
    z.minLength(1, 'at least one origin'),
    z.refine(
      (list) => list.every((o) => normalizeOrigin(o) !== undefined),
      'each origin is https://host[:port], http://host[:port] or s3://bucket',
    ),
  ),
  redownload: z._default(z.boolean(), false),
});

export type RegisterStoreInput = z.input<typeof registerStoreSchema>;

export interface RegisteredStore {
  readonly storeId: string;
  /** Shown once: only its SHA-256 is kept. */
  readonly apiKey: string;
  /** Shown once: the store verifies callbacks with it. */
  readonly signingSecret: string;
}

export class StoreExistsError extends Error {
  override readonly name = 'StoreExistsError';
}

/** An allowlist that names a bucket of trackdrop's own: it holds every user's files. */
export class OwnBucketError extends Error {
  override readonly name = 'OwnBucketError';
}

export interface RegisterStoreOptions {
  /** Buckets the stack owns (the media bucket first): no store may allowlist them. */
  readonly ownBuckets?: readonly string[];
}

/**
 * A store's allowlist as it is kept: each origin normalized (the schema has refused any that is
 * not one), and none that names a bucket of the stack's own.
 */
export function storeOrigins(origins: readonly string[], ownBuckets: readonly string[]): string[] {
  const own = new Set(ownBuckets.map((b) => `s3://${b}`));
  const allowOrigins = origins.map((o) => {
    const origin = normalizeOrigin(o);
    if (origin === undefined) throw new Error(`origin ${o} passed the schema but does not normalize`);
    return origin;
  });
  const refused = allowOrigins.filter((o) => own.has(o));
  if (refused.length > 0)
    throw new OwnBucketError(
      `${refused.join(', ')} is trackdrop's own bucket, which holds every user's files: no store may read from it`,
    );
  return allowOrigins;
}

/** The operator's `store add`: a store id, an API key and a signing secret. */
export async function registerStore(
  stores: StoresRepo,
  raw: RegisterStoreInput,
  opts: RegisterStoreOptions = {},
): Promise<RegisteredStore> {
  const input = registerStoreSchema.parse(raw);
  const allowOrigins = storeOrigins(input.allowOrigins, opts.ownBuckets ?? []);
  const apiKey = newApiKey();
  const signingSecret = newSecret('whsec_');
  const created = await stores.create(
    {
      storeId: input.storeId,
      name: input.name ?? input.storeId,
      callbackUrl: input.callbackUrl,
      allowOrigins,
      redownload: input.redownload,
      createdAt: new Date().toISOString(),
    },
    hashApiKey(apiKey),
    signingSecret,
  );
  if (!created) throw new StoreExistsError(`store ${input.storeId} exists already`);
  return { storeId: input.storeId, apiKey, signingSecret };
}
