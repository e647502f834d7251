import * as z from 'zod/mini';
import { userIdSchema } from './schemas.js';

/**
 * A user's erasure, declared once: the record kept while it runs and, as a tombstone, after it
 * (in the library table, in the user's own partition, under ERASURE_SK), and the order of its
 * steps. Every step is idempotent and takes what is left, not a cursor, so a step that dies is
 * simply run again (service/erasure/eraseStep.ts).
 */

/** The erasure's item's sort key in the user's library partition: no row (`track#`) or claim (`key#`) clashes. */
export const ERASURE_SK = 'erasure';

/**
 * The steps, in order.
 * - `cancel`: the user's sessions are cancelled; queued tracks end E_ABORT, as a cancel does.
 * - `settle`: waits out every invocation that may have read "not erasing" before the record was
 *   written (the longest function timeout), so nothing writes the user's data after this.
 * - `recancel`: the cancel again, for a session opened by a request that checked the user just
 *   before the record was written (its list entry may have come after the first walk).
 * - `licenses`, `objects`, `versions`, `library`, `downloads`: deleted in bounded steps.
 * - `notify`: each store that held a license for the user gets one signed `UserErased` event.
 */
export const erasurePhases = [
  'cancel',
  'settle',
  'recancel',
  'licenses',
  'objects',
  'versions',
  'library',
  'downloads',
  'notify',
  'done',
] as const;
export const erasurePhaseSchema = z.enum(erasurePhases);
export type ErasurePhase = z.infer<typeof erasurePhaseSchema>;

/** The phase after this one. */
export function nextPhase(phase: ErasurePhase): ErasurePhase {
  return erasurePhases[Math.min(erasurePhases.indexOf(phase) + 1, erasurePhases.length - 1)] ?? 'done';
}

/** What each deleting step removed, as DynamoDB and S3 reported it. */
const removedCount = z.int().check(z.nonnegative());
export const erasureRemovedSchema = z.strictObject({
  licenses: removedCount,
  objects: removedCount,
  versions: removedCount,
  libraryItems: removedCount,
  downloadItems: removedCount,
});

/** Running, or done (a tombstone until `refusedUntil`). */
export const erasureStateSchema = z.enum(['erasing', 'erased']);
export type ErasureRemoved = z.infer<typeof erasureRemovedSchema>;
export const noneRemoved: ErasureRemoved = { licenses: 0, objects: 0, versions: 0, libraryItems: 0, downloadItems: 0 };

/** Who asked: the listener (DELETE /v1/me) or an operator (`trackdrop user erase`). */
export const erasureRequesterSchema = z.enum(['listener', 'operator']);

export const erasureRecordSchema = z.object({
  userId: userIdSchema,
  erasureId: z.string().check(z.regex(/^era_[0-9a-f]{32}$/)),
  state: erasureStateSchema,
  phase: erasurePhaseSchema,
  requestedBy: erasureRequesterSchema,
  /** The operator's name, for `trackdrop user erase`. */
  actor: z.optional(z.string()),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.optional(z.string()),
  /** Until when licenses, sessions and DownloadTracks for the user are refused (the tombstone). */
  refusedUntil: z.optional(z.string()),
  removed: erasureRemovedSchema,
  /**
   * Steps taken: each step's message carries the number it expects, and only the step that
   * finds it advances the erasure, so a step delivered twice never starts a second chain.
   */
  step: z.int().check(z.nonnegative()),
  /** The SQS message of the step that last advanced it: its redelivery sends the next step again. */
  advancedBy: z.optional(z.string()),
  /**
   * The stores that held a license, a library row or a session of the user: each is told
   * `UserErased` once. A DynamoDB string set (ADD), read back as a list.
   */
  stores: z.optional(
    z.pipe(
      z.set(z.string()),
      z.transform((s) => [...s].sort()),
    ),
  ),
});
export type ErasureRecord = z.infer<typeof erasureRecordSchema>;

/**
 * Whether an erasure item still refuses the user: while it runs, and as a tombstone until
 * `refusedUntil` (DynamoDB TTL removes it up to a couple of days later, and it must not refuse
 * meanwhile). Read by every writer's check, from the item as stored.
 */
export function isRefusing(
  item: { readonly state?: unknown; readonly refusedUntil?: unknown },
  now = Date.now(),
): boolean {
  if (item.state === 'erasing') return true;
  return typeof item.refusedUntil === 'string' && Date.parse(item.refusedUntil) > now;
}
