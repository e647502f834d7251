import * as z from 'zod/mini';
import { hresult } from './hresult.js';
import { transactionTypeSchema } from './schemas.js';
import { trackStateSchema } from './trackState.js';
import { trackTagsSchema } from './trackTags.js';

/**
 * The records trackdrop keeps, each declared once, as the schema it is read back through: a
 * table row or a queue message that is not what the code wrote fails by name instead of being
 * trusted, and each record's type is what its schema proves. Table-only attributes (sort keys,
 * TTL, index keys) are dropped by the object schemas.
 */

/** An HRESULT as trackdrop stored it (unsigned), branded again on the way in. */
const storedHResultSchema = z.pipe(z.int(), z.transform(hresult));

/**
 * A callback's failed deliveries, kept on its session or track only when one fails (a healthy
 * delivery writes nothing more): how many, and the last one's answer.
 */
const deliveryFailuresFields = {
  deliveryFailures: z.optional(z.int()),
  lastDelivery: z.optional(z.object({ at: z.string(), status: z.optional(z.int()), error: z.optional(z.string()) })),
};

const storeRecordSchema = z.object({
  storeId: z.string(),
  name: z.string(),
  callbackUrl: z.string(),
  /** Origins a track URL may point to: `https://host[:port]`, `http://…` or `s3://bucket`. */
  allowOrigins: z.array(z.string()),
  /** The protocol's PurchasedTrackRequiresReDownload. */
  redownload: z.boolean(),
  createdAt: z.string(),
  /** Set while the operator has suspended the store: its calls answer 403, its queued downloads wait. */
  suspendedAt: z.optional(z.string()),
});

export type Store = Readonly<z.infer<typeof storeRecordSchema>>;

/** One operator action on a store, kept for audit: who, what, when. */
export const auditEntrySchema = z.object({
  storeId: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  /** What changed, in words (never a secret). */
  detail: z.string(),
});

export type AuditEntry = Readonly<z.infer<typeof auditEntrySchema>>;

/**
 * A store row: stores written before `name`, `allowOrigins` or `redownload` existed read as
 * named by their id, with no extra origins and no re-download.
 */
export function storeOf(row: Record<string, unknown>): Store {
  return storeRecordSchema.parse({
    ...row,
    name: row.name ?? row.storeId,
    allowOrigins: Array.isArray(row.allowOrigins) ? row.allowOrigins.map(String) : [],
    redownload: row.redownload === true,
  });
}

/** What landed in the user's Music folder: the file and its tags, as the tag reader and boundTags made them. */
export const storedItemSchema = z.extend(trackTagsSchema, {
  key: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  contentType: z.optional(z.string()),
  /** The album folder's cover (`Folder.jpg` or `Folder.png`), when the file carries one. */
  coverKey: z.optional(z.string()),
});

export type StoredItem = Readonly<z.infer<typeof storedItemSchema>>;

export const trackRecordSchema = z.object({
  cookie: z.string(),
  storeId: z.string(),
  userId: z.string(),
  serviceTrackId: z.int(),
  trackUrl: z.optional(z.string()),
  downloadParams: z.string(),
  /** hrDownload as the store sent it, normalised to unsigned. */
  hrDownload: storedHResultSchema,
  expectedSha256: z.optional(z.string()),
  state: trackStateSchema,
  /** The outcome reported to the store, unsigned. */
  hrResult: z.optional(storedHResultSchema),
  item: z.optional(storedItemSchema),
  reason: z.optional(z.string()),
  /** Set once the store acknowledged DownloadTrackComplete. */
  notifiedAt: z.optional(z.string()),
  /** When it ended (stored, failed or cancelled): its DownloadTrackComplete event's time. */
  endedAt: z.optional(z.string()),
  ...deliveryFailuresFields,
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type Track = Readonly<z.infer<typeof trackRecordSchema>>;

/** What the status route shows of a track (its item for the store's view of the key); never its downloadParams or URL. */
export const trackSummarySchema = z.pick(trackRecordSchema, {
  serviceTrackId: true,
  state: true,
  hrResult: true,
  reason: true,
  notifiedAt: true,
  item: true,
});

export type TrackSummary = Readonly<z.infer<typeof trackSummarySchema>>;

/** What the event log shows of a track: its outcome, when it ended, and how its delivery went. */
export const trackEventFactsSchema = z.pick(trackRecordSchema, {
  serviceTrackId: true,
  state: true,
  hrResult: true,
  notifiedAt: true,
  endedAt: true,
  updatedAt: true,
  deliveryFailures: true,
  lastDelivery: true,
});

export type TrackEventFacts = Readonly<z.infer<typeof trackEventFactsSchema>>;

export const containerSchema = z.object({
  id: z.union([z.string(), z.number()]),
  type: z.optional(z.string()),
  price: z.optional(z.string()),
  contentIds: z.array(z.int()),
});

export type Container = Readonly<z.infer<typeof containerSchema>>;

export const sessionRecordSchema = z.object({
  cookie: z.string(),
  storeId: z.string(),
  userId: z.string(),
  transactionType: transactionTypeSchema,
  /** Empty when `containerChunks` is set: a long list is kept apart (SessionsRepo.containersOf). */
  containers: z.array(containerSchema),
  /** How many items hold a long container list, when it does not fit in the session's own item. */
  containerChunks: z.optional(z.int()),
  createdAt: z.string(),
  cancelledAt: z.optional(z.string()),
  /** Set once the store acknowledged the session's `Download` event. */
  notifiedAt: z.optional(z.string()),
  ...deliveryFailuresFields,
});

export type Session = Readonly<z.infer<typeof sessionRecordSchema>>;

export const licenseRecordSchema = z.object({
  userId: z.string(),
  storeId: z.string(),
  serviceTrackId: z.int(),
  licenseId: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
  updatedAt: z.string(),
});

export type License = Readonly<z.infer<typeof licenseRecordSchema>>;

const libraryItemSchema = z.extend(storedItemSchema, {
  userId: z.string(),
  storeId: z.string(),
  serviceTrackId: z.int(),
  cookie: z.string(),
  addedAt: z.string(),
});

export type LibraryItem = Readonly<z.infer<typeof libraryItemSchema>>;

/** A library row: the stored file's fields and the row's own, checked; its sort key dropped. */
export function libraryItemOf(row: Record<string, unknown>): LibraryItem {
  return libraryItemSchema.parse(row);
}
