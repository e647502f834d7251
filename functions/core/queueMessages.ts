import * as z from 'zod/mini';
import { erasurePhaseSchema } from './erasure.js';
import { serviceTrackIdSchema, userIdSchema } from './schemas.js';
import { trackRecordSchema } from './storedRecords.js';
import { trackStateSchema } from './trackState.js';

/**
 * The messages trackdrop's functions pass each other through SQS. Queue bodies are input too:
 * each is parsed with its schema on receipt, and its type is what the schema proves.
 */

/**
 * The store a completions message works for: its tenant on the queue (see messageTenant).
 * Optional, so a message sent before it existed (or redriven from a DLQ) still parses; such a
 * message is a tenant of its own, as SQS treats one without a MessageGroupId.
 */
const tenantField = z.optional(z.string().check(z.minLength(1)));

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

/**
 * Completions queue: a track reached an outcome, a session opened, a session's counts are to be
 * recounted (see service/recount.ts), a cancelled session's tracks are to be ended, one chunk
 * of one shard at a time (`after`: the last id done), or a store is told a user was erased.
 * A track
 * message without the track (from an operator's redrive of an older message, say) has it read
 * from the table. `redeliver` marks a store's own ask for an event again, told or not.
 */
export const completionMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('track'),
    storeId: tenantField,
    cookie: z.string().check(z.minLength(1)),
    serviceTrackId: z.int().check(z.minimum(0)),
    // The track as the worker left it, so the completion function need not read it again.
    track: z.optional(trackRecordSchema),
    // The store asked for the event again (POST /v1/events/{id}/redeliver): sent even if told.
    redeliver: z.optional(z.literal(true)),
  }),
  z.object({
    kind: z.literal('session'),
    storeId: tenantField,
    cookie: z.string().check(z.minLength(1)),
    redeliver: z.optional(z.literal(true)),
  }),
  // A recount of the session's counts: first walk, then (`check`: what it saw) the second.
  z.object({
    kind: z.literal('recount'),
    storeId: tenantField,
    cookie: z.string().check(z.minLength(1)),
    // `claim`: asked for by a lost count write, not yet claimed (see recount.ts).
    claim: z.optional(z.boolean()),
    check: z.optional(z.object({ moves: z.int().check(z.minimum(0)), counts: z.record(trackStateSchema, z.int()) })),
  }),
  z.object({
    kind: z.literal('cancel'),
    storeId: tenantField,
    cookie: z.string().check(z.minLength(1)),
    shard: z.int().check(z.minimum(0), z.maximum(255)),
    after: z.optional(serviceTrackIdSchema),
  }),
  // A store's `UserErased` event, owed once the erasure has removed everything.
  z.object({
    kind: z.literal('userErased'),
    storeId: z.string().check(z.minLength(1)),
    userId: userIdSchema,
    erasureId: z.string().check(z.minLength(1)),
    erasedAt: z.string(),
  }),
]);

export type CompletionMessage = Readonly<z.infer<typeof completionMessageSchema>>;

/**
 * Erasures queue: one step of a user's erasure (service/erasure/eraseStep.ts). `sessions` is
 * where a cancel step's walk of the user's sessions stands.
 */
export const eraseMessageSchema = z.object({
  kind: z.literal('erase'),
  userId: userIdSchema,
  erasureId: z.string().check(z.minLength(1)),
  phase: erasurePhaseSchema,
  // The erasure's step number this message is (see the record's `step`).
  step: z.int().check(z.nonnegative()),
  sessions: z.optional(z.object({ createdAt: z.string(), id: z.string() })),
  // When the settle ends, on the clock of the function that first took it.
  until: z.optional(z.string()),
});

export type EraseMessage = Readonly<z.infer<typeof eraseMessageSchema>>;

/** A session as a completions message names it: its cookie, and its store (the tenant). */
export interface SessionRef {
  readonly cookie: string;
  readonly storeId: string | undefined;
}

/** A completions message as it is sent: every sender names the store, or says it has none to name. */
export type OutgoingCompletion = CompletionMessage & { readonly storeId: string | undefined };

/**
 * A message's tenant on a fair queue: its MessageGroupId on both queues. The store, not the store
 * and user: SQS marks a tenant noisy by its own share of in-flight messages, so a store that
 * imported for a thousand users at once would be a thousand quiet tenants, and the one purchase
 * of another store would wait behind all of them. By store, every store gets its share however
 * many users it imports for; one user's import delays only that store's other listeners.
 */
export const messageTenant = (m: { readonly storeId?: string | undefined }): string | undefined => m.storeId;
