import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { type HResult, parseHResult } from './hresult.js';

// zod/mini keeps the Lambda bundles small; English messages (only those) are loaded once, here.
z.config(en());

/** 1–128 of `[A-Za-z0-9._-]`, and never only dots: `.` and `..` would name a folder above the user's. */
export const userIdSchema = z.string('userId must be a string').check(
  z.regex(/^[A-Za-z0-9._-]{1,128}$/, 'userId must be 1-128 of A-Z a-z 0-9 . _ -'),
  z.refine((v) => !/^\.+$/.test(v), 'userId must not be only dots'),
);

/** The protocol's DWORD. */
export const serviceTrackIdSchema = z
  .int('serviceTrackId must be an integer')
  .check(z.minimum(0, 'serviceTrackId must be a uint32'), z.maximum(0xffff_ffff, 'serviceTrackId must be a uint32'));

/** Path parameters arrive as text. */
export const serviceTrackIdParamSchema = z.pipe(
  z.pipe(z.string().check(z.regex(/^\d{1,10}$/, 'serviceTrackId must be a uint32')), z.transform(Number)),
  serviceTrackIdSchema,
);

export const hresultSchema = z.pipe(
  z
    .union([z.number(), z.string()], 'hrDownload must be an int32, an unsigned 32-bit number or an "0x…" hex string')
    .check(
      z.refine(
        (v) => parseHResult(v) !== undefined,
        'hrDownload must be an int32, an unsigned 32-bit number or an "0x…" hex string',
      ),
    ),
  z.transform((v): HResult => {
    // The refinement above stops the pipe for a value that does not parse.
    const hr = parseHResult(v);
    if (hr === undefined) throw new Error(`hrDownload ${String(v)} passed the refinement but does not parse`);
    return hr;
  }),
);

export const sha256HexSchema = z.pipe(
  z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hex digits')),
  z.transform((s) => s.toLowerCase()),
);

/** The protocol's transaction types a session is opened with. */
export const transactionTypeSchema = z.enum(['none', 'download', 'buy']);

/** A store's Idempotency-Key on POST /v1/downloads: 1-128 visible ASCII characters. */
export const idempotencyKeySchema = z
  .string()
  .check(z.regex(/^[\x21-\x7e]{1,128}$/, 'Idempotency-Key: 1-128 visible ASCII characters'));

/** An opaque cookie: what trackdrop issued, nothing else. */
export const cookieSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a trackdrop cookie'));

export const licenseBodySchema = z.strictObject({
  licenseId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  expiresAt: z.optional(z.iso.datetime({ offset: true })),
});

const contentIdSchema = serviceTrackIdSchema;

export function sessionBodySchema(maxContainers: number) {
  return z.strictObject({
    userId: userIdSchema,
    transactionType: z.optional(transactionTypeSchema),
    containers: z.optional(
      z
        .array(
          z.strictObject({
            id: z.union([z.string().check(z.minLength(1), z.maxLength(256)), contentIdSchema]),
            type: z.optional(z.string().check(z.maxLength(64))),
            price: z.optional(z.string().check(z.maxLength(64))),
            contentIds: z.array(contentIdSchema).check(z.maxLength(1000, 'at most 1000 content ids per container')),
          }),
        )
        .check(z.maxLength(maxContainers, `at most ${maxContainers} containers`)),
    ),
  });
}

/** DownloadTrack's arguments. downloadParams' size is checked apart so it can answer 413. */
export const downloadTrackSchema = z.strictObject({
  trackUrl: z.optional(z.string().check(z.maxLength(4096))),
  serviceTrackId: serviceTrackIdSchema,
  downloadParams: z.string('downloadParams must be a string'),
  hrDownload: hresultSchema,
  /** Optional: the store's SHA-256 of the file, checked after the copy. */
  sha256: z.optional(sha256HexSchema),
});

export type DownloadTrackInput = z.output<typeof downloadTrackSchema>;

export function batchBodySchema(maxTracks: number) {
  return z.strictObject({
    // Items are validated one by one so one bad track does not sink the batch.
    tracks: z
      .array(z.unknown())
      .check(
        z.minLength(1, 'tracks must not be empty'),
        z.maxLength(maxTracks, `at most ${maxTracks} tracks per batch`),
      ),
  });
}

/** `?limit=` as text: 1 to max. */
function limitParam(max: number) {
  const message = `limit must be 1-${max}`;
  return z.optional(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,6}$/, message)), z.transform(Number)),
      z.int().check(z.minimum(1, message), z.maximum(max, message)),
    ),
  );
}

/** A paged listing's query: `limit` and the opaque `next` cursor of the previous page. */
function pageQuerySchema(maxLimit: number) {
  return z.strictObject({ limit: limitParam(maxLimit), next: z.optional(z.string().check(z.maxLength(2048))) });
}

export const libraryQuerySchema = pageQuerySchema(1000);

/** Session status pages: up to 1,000 tracks each (about 150 KB of JSON). */
export const sessionQuerySchema = pageQuerySchema(1000);

/** GetContentIDsInLibrary pages: ids are small, so a page holds up to 10,000. */
export const contentIdsQuerySchema = pageQuerySchema(10_000);

/** `GET /v1/events`: the store's events, oldest session first, up to 100 a page. */
export const eventsQuerySchema = z.strictObject({
  limit: limitParam(100),
  /** The `next` of the page before. */
  after: z.optional(z.string().check(z.maxLength(2048))),
  /** Only sessions opened after this moment (ISO 8601): where a store's catch-up starts. */
  since: z.optional(z.iso.datetime({ offset: true })),
  type: z.optional(z.enum(['Download', 'DownloadTrackComplete'])),
});

/** An event id as trackdrop makes them (`evt_` and 32 hex digits). */
export const eventIdSchema = z.string().check(z.regex(/^evt_[0-9a-f]{32}$/, 'not a trackdrop event id'));

/** One license of a batch: the single route's body, with its serviceTrackId. */
export const licenseBatchItemSchema = z.strictObject({
  serviceTrackId: serviceTrackIdSchema,
  licenseId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  expiresAt: z.optional(z.iso.datetime({ offset: true })),
});

export function licenseBatchBodySchema(maxLicenses: number) {
  return z.strictObject({
    licenses: z
      .array(licenseBatchItemSchema)
      .check(
        z.minLength(1, 'licenses must not be empty'),
        z.maxLength(maxLicenses, `at most ${maxLicenses} licenses per batch`),
      ),
  });
}

/** A store's id, as registered: 2–63 of `a-z 0-9 -`. */
export const storeIdSchema = z
  .string('store id must be a string')
  .check(z.regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'store id: 2-63 of a-z 0-9 -, starting with a letter or digit'));

/** `GET /v1/me/library/{storeId}/{serviceTrackId}/url`: what to sign, and how the browser should treat it. */
export const itemUrlQuerySchema = z.strictObject({
  /** `audio` (default): the track's file; `cover`: its album's cover art. */
  part: z.optional(z.enum(['audio', 'cover'])),
  /** `inline` (default) plays in the browser; `attachment` saves the file under its name. */
  disposition: z.optional(z.enum(['inline', 'attachment'])),
});

/** `GET /v1/me/downloads`: newest sessions first, a page at a time. */
export const myDownloadsQuerySchema = z.strictObject({
  limit: z.optional(
    z.pipe(
      z.pipe(z.string().check(z.regex(/^\d{1,2}$/, 'limit must be 1-50')), z.transform(Number)),
      z.int().check(z.minimum(1, 'limit must be 1-50'), z.maximum(50, 'limit must be 1-50')),
    ),
  ),
  next: z.optional(z.string().check(z.maxLength(2048))),
});

/** Lists the problems of a failed parse in one line a person can act on. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((i) => {
      const where = i.path.length ? i.path.join('.') : 'body';
      if (i.code === 'unrecognized_keys') return `${where}: unknown field(s) ${i.keys.join(', ')}`;
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

/** `DELETE /v1/me`: the listener's own word that everything is to go, as the locker page asks for it. */
export const ERASE_CONFIRMATION = 'erase my library';
export const eraseMeBodySchema = z.strictObject({
  confirm: z.literal(ERASE_CONFIRMATION, `confirm must be "${ERASE_CONFIRMATION}"`),
});
