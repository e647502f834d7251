import * as z from 'zod/mini';
import { hresult } from './hresult.js';
import { serviceTrackIdSchema, userIdSchema } from './schemas.js';
import type { StoredItem, Track } from './types.js';

/**
 * The messages trackdrop's functions pass each other through SQS. Queue bodies are input too:
 * each is parsed with its schema on receipt, and its type is what the schema proves.
 */

/** Downloads queue: one approved track. It carries what the worker needs, so no extra read. */
export const downloadMessageSchema = z.object({
  cookie: z.string().check(z.minLength(1)),
  storeId: z.string().check(z.minLength(1)),
  userId: userIdSchema,
  serviceTrackId: serviceTrackIdSchema,
  trackUrl: z.string().check(z.minLength(1)),
  expectedSha256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});

export type DownloadMessage = Readonly<z.infer<typeof downloadMessageSchema>>;

/** An HRESULT as trackdrop stored it (unsigned), branded again on the way in. */
const storedHResultSchema = z.pipe(z.int(), z.transform(hresult));

const storedItemSchema = z.custom<StoredItem>(
  (v) => typeof v === 'object' && v !== null && 'key' in v && typeof v.key === 'string' && 'bytes' in v && typeof v.bytes === 'number' && 'sha256' in v && typeof v.sha256 === 'string',
  'item must name the stored file (key, bytes, sha256)',
);

/** The track as the worker left it, so the completion function need not read it again. */
const trackSnapshotSchema = z.object({
  cookie: z.string(),
  storeId: z.string(),
  userId: z.string(),
  serviceTrackId: z.int(),
  trackUrl: z.optional(z.string()),
  downloadParams: z.string(),
  hrDownload: storedHResultSchema,
  expectedSha256: z.optional(z.string()),
  // Sent only for a track that ended; a snapshot of any other is read and skipped (nothing owed).
  state: z.enum(['queued', 'stored', 'completed', 'failed', 'cancelled', 'declined']),
  hrResult: z.optional(storedHResultSchema),
  item: z.optional(storedItemSchema),
  reason: z.optional(z.string()),
  notifiedAt: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

// A field added to Track must be added to the snapshot too, or the snapshot would drop it:
// this line stops compiling until it is.
const everyTrackField: Exclude<keyof Track, keyof z.infer<typeof trackSnapshotSchema>> extends never ? true : never = true;
void everyTrackField;

/**
 * Completions queue: a track reached an outcome, a session opened, or a cancelled session's
 * tracks are to be ended, one chunk of one shard at a time (`after`: the last id done). A track
 * message without the track (from an operator's redrive of an older message, say) has it read
 * from the table.
 */
export const completionMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('track'),
    cookie: z.string().check(z.minLength(1)),
    serviceTrackId: z.int().check(z.minimum(0)),
    track: z.optional(trackSnapshotSchema),
  }),
  z.object({ kind: z.literal('session'), cookie: z.string().check(z.minLength(1)) }),
  z.object({
    kind: z.literal('cancel'),
    cookie: z.string().check(z.minLength(1)),
    shard: z.int().check(z.minimum(0), z.maximum(255)),
    after: z.optional(serviceTrackIdSchema),
  }),
]);

export type CompletionMessage = Readonly<z.infer<typeof completionMessageSchema>>;
