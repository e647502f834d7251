import * as z from 'zod/mini';
import { serviceTrackIdSchema, userIdSchema } from '../../core/schemas.js';
import type { DownloadMessage } from '../../core/types.js';

const downloadMessageSchema = z.object({
  cookie: z.string().check(z.minLength(1)),
  storeId: z.string().check(z.minLength(1)),
  userId: userIdSchema,
  serviceTrackId: serviceTrackIdSchema,
  trackUrl: z.string().check(z.minLength(1)),
  expectedSha256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});

export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

/** Queue bodies are input too: a malformed one fails loudly and ends in the DLQ. */
export function parseDownloadMessage(body: string): DownloadMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PoisonMessageError('download message is not JSON');
  }
  const out = downloadMessageSchema.safeParse(json);
  if (!out.success) throw new PoisonMessageError(`download message is malformed: ${out.error.message}`);
  return out.data;
}
