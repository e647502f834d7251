import * as z from 'zod/mini';
import { serviceTrackIdSchema, transactionTypeSchema } from './schemas.js';
import { eventIdFor } from './signature.js';
import { containerSchema, storedItemSchema } from './storedRecords.js';

/**
 * The events trackdrop POSTs to a store's callback URL, each declared once: the completion
 * function builds them to these types (callbackPayloads.ts) and the OpenAPI document shows them
 * as its webhooks, so what a store is told and what it is promised cannot drift.
 */

/** The library item as the store sees it: its own view of the key, the file's facts, its item id. */
export const callbackItemSchema = z.extend(z.omit(storedItemSchema, { contentType: true }), {
  itemId: z.optional(z.string()),
});

const eventId = z.string().check(z.regex(/^evt_[0-9a-f]+$/, 'an event id'));
/** An HRESULT as the protocol writes it: `0x` and eight upper-case hex digits. */
const hresultText = z.string().check(z.regex(/^0x[0-9A-F]{8}$/, 'an HRESULT, 0x and eight hex digits'));

/** The protocol's Download(containerList, cookie): sent once a session opens. */
export const downloadEventSchema = z.object({
  event: z.literal('Download'),
  eventId,
  cookie: z.string(),
  userId: z.string(),
  transactionType: transactionTypeSchema,
  containers: z.array(containerSchema),
  createdAt: z.string(),
});

/** DownloadTrackComplete(hrResult, contentID, downloadParams): sent once for every approved track that ends. */
export const downloadTrackCompleteEventSchema = z.object({
  event: z.literal('DownloadTrackComplete'),
  eventId,
  cookie: z.string(),
  userId: z.string(),
  serviceTrackId: serviceTrackIdSchema,
  hrResult: hresultText,
  /** The store's own downloadParams, byte for byte. */
  downloadParams: z.string(),
  /** The library item, when the track was stored. */
  item: z.optional(callbackItemSchema),
  /** Why the track failed, for a failure HRESULT. */
  reason: z.optional(z.string()),
});

/**
 * UserErased: every file, row, license and session of the user is gone from trackdrop. Sent
 * once to each store that held a license for the user, so it can delete its own copy.
 */
export const userErasedEventSchema = z.object({
  event: z.literal('UserErased'),
  eventId,
  userId: z.string(),
  erasureId: z.string(),
  erasedAt: z.string(),
});

export type CallbackItem = z.infer<typeof callbackItemSchema>;
export type UserErasedEvent = z.infer<typeof userErasedEventSchema>;
export type DownloadEvent = z.infer<typeof downloadEventSchema>;
export type DownloadTrackCompleteEvent = z.infer<typeof downloadTrackCompleteEventSchema>;

/** A session's `Download` event id: the same on every delivery, and what the event log is keyed by. */
export const downloadEventId = (cookie: string): string => eventIdFor('Download', cookie);

/** A track's `DownloadTrackComplete` event id. */
export const trackEventId = (cookie: string, serviceTrackId: number): string =>
  eventIdFor('DownloadTrackComplete', cookie, serviceTrackId);

/** A store's `UserErased` event id: one per erasure and store. */
export const userErasedEventId = (erasureId: string, storeId: string): string =>
  eventIdFor('UserErased', erasureId, storeId);

export const eventTypeSchema = z.enum(['Download', 'DownloadTrackComplete']);
export type EventType = z.infer<typeof eventTypeSchema>;
