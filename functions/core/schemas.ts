import { z } from 'zod';
import { parseHResult, type HResult } from './hresult.js';

/** 1–128 of `[A-Za-z0-9._-]`, and never only dots: `.` and `..` would name a folder above the user's. */
export const userIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/, 'userId must be 1-128 of A-Z a-z 0-9 . _ -')
  .refine((v) => !/^\.+$/.test(v), 'userId must not be only dots');

/** The protocol's DWORD. */
export const serviceTrackIdSchema = z
  .number()
  .int('serviceTrackId must be an integer')
  .min(0, 'serviceTrackId must be a uint32')
  .max(0xffff_ffff, 'serviceTrackId must be a uint32');

/** Path parameters arrive as text. */
export const serviceTrackIdParamSchema = z
  .string()
  .regex(/^\d{1,10}$/, 'serviceTrackId must be a uint32')
  .transform(Number)
  .pipe(serviceTrackIdSchema);

export const hresultSchema = z
  .union([z.number(), z.string()])
  .transform((v, ctx): HResult => {
    const hr = parseHResult(v);
    if (hr === undefined) {
      ctx.addIssue({ code: 'custom', message: 'hrDownload must be an int32 or an "0x…" hex HRESULT' });
      return z.NEVER;
    }
    return hr;
  });

export const sha256HexSchema = z.string().regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hex digits').transform((s) => s.toLowerCase());

/** An opaque cookie: what trackdrop issued, nothing else. */
export const cookieSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a trackdrop cookie');

export const licenseBodySchema = z.strictObject({
  licenseId: z.string().min(1).max(256).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

const contentIdSchema = serviceTrackIdSchema;

export function sessionBodySchema(maxContainers: number) {
  return z.strictObject({
    userId: userIdSchema,
    transactionType: z.enum(['none', 'download', 'buy']).optional(),
    containers: z
      .array(
        z.strictObject({
          id: z.union([z.string().min(1).max(256), contentIdSchema]),
          type: z.string().max(64).optional(),
          price: z.string().max(64).optional(),
          contentIds: z.array(contentIdSchema).max(1000),
        }),
      )
      .max(maxContainers, `at most ${maxContainers} containers`)
      .optional(),
  });
}

/** DownloadTrack's arguments. downloadParams' size is checked apart so it can answer 413. */
export const downloadTrackSchema = z
  .strictObject({
    trackUrl: z.string().max(4096).optional(),
    serviceTrackId: serviceTrackIdSchema,
    downloadParams: z.string(),
    hrDownload: hresultSchema,
    /** Optional: the store's SHA-256 of the file, checked after the copy. */
    sha256: sha256HexSchema.optional(),
  });

export type DownloadTrackInput = z.infer<typeof downloadTrackSchema>;

export function batchBodySchema(maxTracks: number) {
  return z.strictObject({
    // Items are validated one by one so one bad track does not sink the batch.
    tracks: z.array(z.unknown()).min(1).max(maxTracks, `at most ${maxTracks} tracks per batch`),
  });
}

export const libraryQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d{1,4}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
  next: z.string().max(2048).optional(),
});

/** Lists the problems of a failed parse in one line a person can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const where = i.path.length ? i.path.join('.') : 'body';
      if (i.code === 'unrecognized_keys') return `${where}: unknown field(s) ${i.keys.join(', ')}`;
      return `${where}: ${i.message}`;
    })
    .join('; ');
}
