import * as z from 'zod/mini';
import { hresult } from './hresult.js';
import { transactionTypes } from './schemas.js';
import { allStates } from './trackState.js';
import type { LibraryItem, License, Session, StoredItem, Track } from './types.js';

/**
 * Records as trackdrop writes them, read back through a schema: a table row or a queue message
 * that is not what the code wrote fails by name instead of being trusted. Table-only attributes
 * (sort keys, TTL, index keys) are dropped by the object schemas.
 */

/** An HRESULT as trackdrop stored it (unsigned), branded again on the way in. */
const storedHResultSchema = z.pipe(z.int(), z.transform(hresult));

/** The stored file; its tags are what the tag reader and boundTags made of the file, kept as written. */
const storedItemSchema = z.custom<StoredItem>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    'key' in v &&
    typeof v.key === 'string' &&
    'bytes' in v &&
    typeof v.bytes === 'number' &&
    'sha256' in v &&
    typeof v.sha256 === 'string',
  'item must name the stored file (key, bytes, sha256)',
);

export const trackRecordSchema = z.object({
  cookie: z.string(),
  storeId: z.string(),
  userId: z.string(),
  serviceTrackId: z.int(),
  trackUrl: z.optional(z.string()),
  downloadParams: z.string(),
  hrDownload: storedHResultSchema,
  expectedSha256: z.optional(z.string()),
  state: z.enum(allStates),
  hrResult: z.optional(storedHResultSchema),
  item: z.optional(storedItemSchema),
  reason: z.optional(z.string()),
  notifiedAt: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const sessionRecordSchema = z.object({
  cookie: z.string(),
  storeId: z.string(),
  userId: z.string(),
  transactionType: z.enum(transactionTypes),
  containers: z.array(
    z.object({
      id: z.union([z.string(), z.number()]),
      type: z.optional(z.string()),
      price: z.optional(z.string()),
      contentIds: z.array(z.int()),
    }),
  ),
  containerChunks: z.optional(z.int()),
  createdAt: z.string(),
  cancelledAt: z.optional(z.string()),
  notifiedAt: z.optional(z.string()),
});

export const licenseRecordSchema = z.object({
  userId: z.string(),
  storeId: z.string(),
  serviceTrackId: z.int(),
  licenseId: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
  updatedAt: z.string(),
});

const libraryRowSchema = z.object({
  userId: z.string(),
  storeId: z.string(),
  serviceTrackId: z.int(),
  cookie: z.string(),
  addedAt: z.string(),
});

/** A library row: the stored file's fields (kept as written) and the row's own, checked. */
export function libraryItemOf(row: Record<string, unknown>): LibraryItem {
  const { sk: _sk, ...rest } = row;
  return { ...storedItemSchema.parse(rest), ...libraryRowSchema.parse(rest) };
}

// A field added to a record type must be added to its schema too, or reading would drop it:
// these lines stop compiling until it is.
type Missing<T, S extends z.ZodMiniType> = Exclude<keyof T, keyof z.output<S>>;
const everyField: [
  Missing<Track, typeof trackRecordSchema>,
  Missing<Session, typeof sessionRecordSchema>,
  Missing<License, typeof licenseRecordSchema>,
] extends [never, never, never]
  ? true
  : never = true;
void everyField;
