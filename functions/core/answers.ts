import * as z from 'zod/mini';
import { eventTypeSchema } from './callbackEvents.js';
import { erasurePhaseSchema, erasureRemovedSchema, erasureRequesterSchema, erasureStateSchema } from './erasure.js';
import { serviceTrackIdSchema, storeIdSchema, userIdSchema } from './schemas.js';
import { storedItemSchema } from './storedRecords.js';
import { trackStateSchema } from './trackState.js';

/**
 * Every success body the two APIs answer, declared once: the handlers' return types are these
 * schemas' outputs, the OpenAPI document's response schemas are these schemas, and the local
 * HTTP API checks every answer against that document, so code, contract and tests cannot drift.
 * Objects are strict: a field the code adds without declaring it here is caught, never leaked.
 */

/** An HRESULT as trackdrop writes it in answers: `0x` and 8 hex digits. */
const hresultText = z.string().check(z.regex(/^0x[0-9A-F]{8}$/));
const timestamp = z.iso.datetime();
const next = z.optional(z.string().check(z.minLength(1)));

/** One item's refusal inside a batch answer, as the error body of a single call would say it. */
export const itemErrorSchema = z.strictObject({
  code: z.string(),
  message: z.string(),
  hresult: z.optional(hresultText),
  details: z.optional(z.unknown()),
});

export const errorAnswerSchema = z.strictObject({
  error: z.extend(itemErrorSchema, { requestId: z.optional(z.string()) }),
});

export const licenseAnswerSchema = z.strictObject({
  userId: userIdSchema,
  serviceTrackId: serviceTrackIdSchema,
  state: z.enum(['created', 'updated']),
});

export const licenseBatchAnswerSchema = z.strictObject({
  results: z.array(
    z.union([
      z.strictObject({ serviceTrackId: serviceTrackIdSchema, state: z.literal('stored') }),
      z.strictObject({ serviceTrackId: serviceTrackIdSchema, error: itemErrorSchema }),
    ]),
  ),
});

export const sessionOpenedSchema = z.strictObject({ cookie: z.string(), userId: userIdSchema, createdAt: timestamp });

export const trackAnswerSchema = z.strictObject({
  serviceTrackId: serviceTrackIdSchema,
  state: z.enum(['queued', 'declined']),
  /** A declined track's hrDownload, as trackdrop reads it. */
  hrResult: z.optional(hresultText),
});

export const trackBatchAnswerSchema = z.strictObject({
  results: z.array(
    z.union([
      trackAnswerSchema,
      z.strictObject({ serviceTrackId: z.optional(serviceTrackIdSchema), error: itemErrorSchema }),
    ]),
  ),
});

/** A number of tracks for every state. */
const stateCountsSchema = z.record(trackStateSchema, z.int());

export const sessionStatusSchema = z.strictObject({
  cookie: z.string(),
  userId: userIdSchema,
  createdAt: timestamp,
  cancelledAt: z.optional(timestamp),
  counts: stateCountsSchema,
  tracks: z.array(
    z.strictObject({
      serviceTrackId: serviceTrackIdSchema,
      state: trackStateSchema,
      hrResult: z.optional(hresultText),
      /** The file's key as this store's own track names it. */
      key: z.optional(z.string()),
      itemId: z.optional(z.string()),
      reason: z.optional(z.string()),
      notifiedAt: z.optional(timestamp),
    }),
  ),
  next,
});

export const cancelAnswerSchema = z.strictObject({
  /** The tracks queued when the cancel was taken. */
  cancelled: z.int().check(z.nonnegative()),
  state: z.literal('cancelling'),
});

const strictItem = z.strictObject(storedItemSchema.def.shape);

/** A library item as a store sees it: the key its own track's tags give, and an opaque item id. */
export const storeItemSchema = z.extend(strictItem, {
  serviceTrackId: serviceTrackIdSchema,
  cookie: z.string(),
  addedAt: timestamp,
  itemId: z.string(),
});

export const libraryPageSchema = z.strictObject({ items: z.array(storeItemSchema), next });

export const contentIdsPageSchema = z.strictObject({ contentIds: z.array(serviceTrackIdSchema), next });

/** A library item as its listener sees it: the real key, where it came from, and how it is served. */
export const listenerItemSchema = z.extend(strictItem, {
  storeId: storeIdSchema,
  serviceTrackId: serviceTrackIdSchema,
  addedAt: timestamp,
  fileName: z.string(),
  contentType: z.string(),
});

export const listenerLibraryPageSchema = z.strictObject({ items: z.array(listenerItemSchema), next });

export const itemUrlSchema = z.strictObject({
  url: z.url(),
  expiresAt: timestamp,
  fileName: z.string(),
  contentType: z.string(),
});

export const listenerSessionsPageSchema = z.strictObject({
  sessions: z.array(
    z.strictObject({
      /** Stable, and not the store's cookie. */
      id: z.string(),
      storeId: storeIdSchema,
      createdAt: timestamp,
      cancelledAt: z.optional(timestamp),
      inProgress: z.boolean(),
      total: z.int().check(z.nonnegative()),
      counts: stateCountsSchema,
    }),
  ),
  next,
});

/** One event of the store's log, from the session or track it is rebuilt from. */
export const eventEntrySchema = z.strictObject({
  id: z.string().check(z.regex(/^evt_[0-9a-f]{32}$/)),
  type: eventTypeSchema,
  /** When it happened: the session opened, or the track ended. */
  created: timestamp,
  cookie: z.string(),
  serviceTrackId: z.optional(serviceTrackIdSchema),
  /** A DownloadTrackComplete's outcome. */
  hrResult: z.optional(hresultText),
  /** The store acknowledged it with a 2xx. */
  delivered: z.boolean(),
  /** Deliveries made: the failed ones and, once delivered, the one that was taken. */
  attempts: z.int().check(z.nonnegative()),
  lastAttemptAt: z.optional(timestamp),
  /** The last failed delivery's HTTP status, or its error when there was no answer. */
  lastStatus: z.optional(z.int()),
  lastError: z.optional(z.string()),
});

export const eventsPageSchema = z.strictObject({ events: z.array(eventEntrySchema), next });

export const redeliveryAnswerSchema = z.strictObject({ eventId: z.string(), state: z.literal('queued') });

export const openApiAnswerSchema = z.looseObject({ openapi: z.literal('3.1.0') });

export type LicenseAnswer = z.output<typeof licenseAnswerSchema>;
export type LicenseBatchAnswer = z.output<typeof licenseBatchAnswerSchema>;
export type SessionOpened = z.output<typeof sessionOpenedSchema>;
export type TrackAnswerBody = z.output<typeof trackAnswerSchema>;
export type TrackBatchAnswer = z.output<typeof trackBatchAnswerSchema>;
export type SessionStatusAnswer = z.output<typeof sessionStatusSchema>;
export type CancelAnswer = z.output<typeof cancelAnswerSchema>;
export type LibraryPage = z.output<typeof libraryPageSchema>;
export type ContentIdsPage = z.output<typeof contentIdsPageSchema>;
export type ListenerItem = z.output<typeof listenerItemSchema>;
/** A user's erasure as its requester sees it: where it stands, and what it removed so far. */
export const erasureAnswerSchema = z.strictObject({
  erasureId: z.string(),
  state: erasureStateSchema,
  phase: erasurePhaseSchema,
  requestedBy: erasureRequesterSchema,
  startedAt: timestamp,
  updatedAt: timestamp,
  finishedAt: z.optional(timestamp),
  /** Until then, licenses, sessions and DownloadTracks for the user answer 409 user_erased. */
  refusedUntil: z.optional(timestamp),
  removed: erasureRemovedSchema,
  /** Stores told (or to be told) `UserErased`. */
  stores: z.int().check(z.nonnegative()),
});

export type ListenerLibraryPage = z.output<typeof listenerLibraryPageSchema>;
export type ErasureAnswer = z.output<typeof erasureAnswerSchema>;
export type ItemUrl = z.output<typeof itemUrlSchema>;
export type ListenerSessionsPage = z.output<typeof listenerSessionsPageSchema>;
export type EventEntry = z.output<typeof eventEntrySchema>;
export type EventsPage = z.output<typeof eventsPageSchema>;
export type RedeliveryAnswer = z.output<typeof redeliveryAnswerSchema>;
