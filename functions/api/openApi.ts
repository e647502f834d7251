import * as z from 'zod/mini';
import { type OpenApiSource, onceOpenApi } from '../adapters/openApiFile.js';
import {
  cancelAnswerSchema,
  contentIdsPageSchema,
  erasureAnswerSchema,
  errorAnswerSchema,
  eventsPageSchema,
  itemUrlSchema,
  libraryPageSchema,
  licenseAnswerSchema,
  licenseBatchAnswerSchema,
  listenerItemSchema,
  listenerLibraryPageSchema,
  listenerSessionsPageSchema,
  openApiAnswerSchema,
  redeliveryAnswerSchema,
  sessionOpenedSchema,
  sessionStatusSchema,
  trackAnswerSchema,
  trackBatchAnswerSchema,
} from '../core/answers.js';
import {
  downloadEventSchema,
  downloadTrackCompleteEventSchema,
  userErasedEventSchema,
} from '../core/callbackEvents.js';
import {
  contentIdsQuerySchema,
  cookieSchema,
  downloadTrackSchema,
  ERASE_CONFIRMATION,
  eraseMeBodySchema,
  eventIdSchema,
  eventsQuerySchema,
  idempotencyKeySchema,
  itemUrlQuerySchema,
  libraryQuerySchema,
  licenseBatchBodySchema,
  licenseBodySchema,
  myDownloadsQuerySchema,
  serviceTrackIdParamSchema,
  sessionBodySchema,
  sessionQuerySchema,
  storeIdSchema,
  userIdSchema,
} from '../core/schemas.js';
import type { TrackdropSettings } from '../settings.js';
import { type Route, type RouteName, routes } from './routes.js';

type JsonSchema = Record<string, unknown>;

/**
 * A schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect): a request as the client sends it
 * (`input`), an answer as the handler returns it (`output`).
 */
function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _dialect, ...out } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    override: ({ jsonSchema: out }) => {
      // `format` says it; zod's spelled-out regex of an ISO date only makes the document unreadable.
      if (out.format === 'date-time') delete out.pattern;
      // A record keyed by an enum has exactly those keys: spelled out, so tools see each one.
      const names = out.propertyNames;
      const keys = typeof names === 'object' ? names.enum : undefined;
      const value = out.additionalProperties;
      if (Array.isArray(keys) && typeof value === 'object' && !out.properties) {
        out.properties = Object.fromEntries(keys.map((k) => [String(k), value]));
        out.additionalProperties = false;
        delete out.propertyNames;
      }
      // JavaScript's safe-integer bounds are no limit of the API's.
      if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
      if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
    },
  }) as JsonSchema;
  return out;
}

/** A success status: what it means, and the schema of its body (none for 204). */
interface Answer {
  readonly description: string;
  readonly schema?: z.core.$ZodType;
}

const answer = (description: string, schema?: z.core.$ZodType): Answer =>
  schema ? { description, schema } : { description };

/** Path parameters, by name: the schemas the handlers parse them with. */
const pathParams: Readonly<Record<string, z.ZodMiniType>> = {
  userId: userIdSchema,
  serviceTrackId: serviceTrackIdParamSchema,
  cookie: cookieSchema,
  storeId: storeIdSchema,
  eventId: eventIdSchema,
};

interface RouteDoc {
  readonly summary: string;
  /** What a caller must know beyond the schemas: the rules they cannot state, and what the answer means. */
  readonly description: string;
  /** Success statuses, what each means, and the schema its body follows. */
  readonly ok: Readonly<Record<number, Answer>>;
  readonly query?: z.ZodMiniObject;
  readonly body?: z.ZodMiniType;
  readonly bodyOptional?: boolean;
  /** Error statuses beyond the ones every route of its kind has. */
  readonly errors?: readonly number[];
  /** The 4xx only API Gateway answers, as one 4XX response, on a route that has no error of its own. */
  readonly gatewayErrors?: string;
  /** Request headers the route reads, beyond Authorization. */
  readonly headers?: Readonly<Record<string, { readonly schema: z.ZodMiniType; readonly description: string }>>;
}

/** Every route's documentation; a route without one does not compile. */
function routeDocs(settings: TrackdropSettings): Record<RouteName, RouteDoc> {
  const limits = settings.limits;
  return {
    putLicense: {
      summary: 'Predeliver a license',
      description:
        'The license a worker checks before it fetches a track for this user; a track is downloaded only after its license was predelivered. An `expiresAt` in the past refuses the download (NS_E_DRM_LICENSE_NOTACQUIRED). userId: 1-128 of A-Z a-z 0-9 . _ -, not only dots. A user being erased answers 409 user_erasing, and one erased lately 409 user_erased.',
      ok: { 200: answer('replaced', licenseAnswerSchema), 201: answer('created', licenseAnswerSchema) },
      body: licenseBodySchema,
      bodyOptional: true,
      errors: [409],
    },
    deleteLicense: {
      summary: 'Withdraw a license',
      description:
        'A track queued after this is refused when its worker checks the license; one already stored stays in the library.',
      ok: { 204: answer('deleted') },
      errors: [404],
    },
    putLicenseBatch: {
      summary: 'Predeliver many licenses at once (each answered in order; a throttled one says so on its own)',
      description: `Up to ${limits.maxBatchTracks} licenses, each answered in order with \`state: stored\` or its own \`error\`; an error \`throttled\` (DynamoDB was busy) means send that one again, the others were taken.`,
      ok: { 200: answer('one result per license', licenseBatchAnswerSchema) },
      body: licenseBatchBodySchema(limits.maxBatchTracks),
      errors: [409],
    },
    openSession: {
      summary: 'Download(containerList): open a download session',
      description: `Opens a session and answers its cookie; the store gets a \`Download\` webhook for it. With an Idempotency-Key, a retry gets the same session for a day. Up to ${limits.maxContainers} containers of up to 1,000 content ids each.`,
      ok: { 201: answer('the session and its cookie', sessionOpenedSchema) },
      body: sessionBodySchema(limits.maxContainers),
      errors: [409],
      headers: {
        'Idempotency-Key': {
          schema: idempotencyKeySchema,
          description:
            'A retry with the same key gets the same session for a day; the same key with another body answers 409 idempotency_key_reused',
        },
      },
    },
    downloadTrack: {
      summary: 'DownloadTrack',
      description: `hrDownload is an HRESULT in one of three forms: an int32 number, an unsigned 32-bit number, or \`0x\` and 1-8 hex digits. A success code queues the track (202) and needs trackUrl: https://, http:// or s3://bucket/key on the store's allowlist, never trackdrop's own bucket. A failure code records it declined (200) and fetches nothing. downloadParams (up to ${limits.maxDownloadParamsBytes / 1024} KiB of UTF-8) comes back byte for byte in DownloadTrackComplete.`,
      ok: { 200: answer('declined', trackAnswerSchema), 202: answer('queued', trackAnswerSchema) },
      body: downloadTrackSchema,
      errors: [403, 404, 409, 413],
    },
    downloadTrackBatch: {
      summary: 'DownloadTrack for many tracks at once (each answered in order)',
      description: `Up to ${limits.maxBatchTracks} DownloadTrack bodies, each checked and answered on its own, in order: one refused does not sink the others; an error \`throttled\` means send that track again.`,
      ok: { 200: answer('one result per track', trackBatchAnswerSchema) },
      // The handler checks the list first, then each track with DownloadTrack's own schema.
      body: z.strictObject({
        tracks: z.array(downloadTrackSchema).check(z.minLength(1), z.maxLength(limits.maxBatchTracks)),
      }),
      errors: [404, 409],
    },
    getSession: {
      summary: "A session's state: counts of the whole session and a page of its tracks' outcomes",
      description:
        "Counts of the whole session, and a page of its tracks (up to 1,000): follow `next` for the rest. A session of up to 1,000 tracks is counted from its tracks, exactly; a larger one from a counts item that lags a batch's moves by a moment.",
      ok: { 200: answer('the session', sessionStatusSchema) },
      query: sessionQuerySchema,
      errors: [404],
    },
    cancelSession: {
      summary:
        'Cancel a session at once: its tracks not yet stored then end cancelled (E_ABORT) in the background, each with one callback',
      description:
        "Answers at once, whatever the session's size: its tracks not yet stored end cancelled (E_ABORT) in the background, each with one DownloadTrackComplete; stored tracks finish normally. A DownloadTrack on it afterwards answers 409 session_cancelled.",
      ok: { 202: answer('how many were queued when the cancel was taken', cancelAnswerSchema) },
      errors: [404],
    },
    getLibrary: {
      summary: "This store's items in the user's library",
      description:
        "This store's own items only, with the key as the store sees it; follow `next` for the following page.",
      ok: { 200: answer('a page of items', libraryPageSchema) },
      query: libraryQuerySchema,
    },
    getContentIds: {
      summary: "GetContentIDsInLibrary: this store's content IDs in the user's library, a page at a time",
      description: 'In order, up to `limit` (1-10,000, default 10,000) a page; follow `next` for the rest.',
      ok: { 200: answer('a page of content IDs', contentIdsPageSchema) },
      query: contentIdsQuerySchema,
    },
    listEvents: {
      summary: "This store's event log: its events of the last days, and how each delivery went",
      description: `The events of this store's sessions opened in the last ${settings.callbacks.eventLogDays} days (callbacks.eventLogDays), session by session, oldest first (after \`since\`, when given): each session's Download, then its tracks' DownloadTrackComplete once they ended. Each says whether the store acknowledged it, how many deliveries were made, and the last failed one's status or error. Events past the retry window stay listed and can be sent again (redeliver). Follow \`next\` (as \`after\`) for the following page; a page may hold fewer than \`limit\` events and still have a \`next\`.`,
      ok: { 200: answer('a page of events', eventsPageSchema) },
      query: eventsQuerySchema,
    },
    redeliverEvent: {
      summary: 'Send one event again now, with the same event id',
      description:
        "Queues the event for delivery at once, signed and with its own Trackdrop-Event-Id, retried as every callback is. An event that was never acknowledged (past the retry window, say) ends its track when this delivery is taken. 409 event_not_ready: the track has not ended yet. Another store's event answers 404.",
      ok: { 202: answer('queued for delivery', redeliveryAnswerSchema) },
      errors: [404, 409],
    },
    getMyLibrary: {
      summary: "The listener's library across every store (cover key, tags, bytes)",
      description:
        "Every store's items in the listener's own library (the user the token names), with the file's tags, size and cover key; follow `next`.",
      ok: { 200: answer('a page of items', listenerLibraryPageSchema) },
      query: libraryQuerySchema,
    },
    getMyItem: {
      summary: "One item of the listener's library",
      description: "Another user's item answers 404, as a missing one does.",
      ok: { 200: answer('the item', listenerItemSchema) },
      errors: [404],
    },
    getMyItemUrl: {
      summary: 'A short-lived presigned GET URL to play or download the item (or its cover)',
      description:
        "The URL opens the file with the Content-Type its bytes show (never the origin's) and a Content-Disposition naming it, inline or as an attachment; it expires after listener.urlTtlSeconds.",
      ok: { 200: answer('a URL for the file, and how it is served', itemUrlSchema) },
      query: itemUrlQuerySchema,
      errors: [404],
    },
    getMyDownloads: {
      summary: "The listener's download sessions, newest first, with their counts",
      description:
        "The listener's sessions from every store, newest first, with their counts, up to `limit` (1-50) a page.",
      ok: { 200: answer('a page of sessions', listenerSessionsPageSchema) },
      query: myDownloadsQuerySchema,
    },
    eraseMe: {
      summary: 'Erase everything trackdrop holds of the listener',
      description: `Starts the erasure of the listener's files (every version), library, licenses and download sessions, and answers it (202); asking again answers the same erasure. The body must be {"confirm": "${ERASE_CONFIRMATION}"}. Tracks in flight end E_ABORT; every store that held a license for the listener gets one UserErased event. Afterwards stores' licenses, sessions and DownloadTracks for the listener are refused (409 user_erased) for ${settings.erasure.tombstoneDays} days. Follow it with GET /v1/me/erasure.`,
      ok: { 202: answer('the erasure, started or already under way', erasureAnswerSchema) },
      body: eraseMeBodySchema,
      errors: [413],
    },
    getMyErasure: {
      summary: "The listener's erasure: where it stands, and what it removed",
      description:
        'The erasure DELETE /v1/me started, its phase and what each step removed so far; `erased` once nothing is left. 404 erasure_not_found when none was asked for (or its tombstone has lapsed).',
      ok: { 200: answer('the erasure', erasureAnswerSchema) },
      errors: [404],
    },
    getOpenApi: {
      summary: 'This document',
      description:
        'The OpenAPI 3.1 document of both APIs and of the webhooks a store receives, built from the schemas the handlers use.',
      ok: { 200: answer('OpenAPI 3.1', openApiAnswerSchema) },
      gatewayErrors:
        "API Gateway's own refusal, before trackdrop runs: 429 Too Many Requests when the stage's throttling (all callers together) is exceeded, without Retry-After: back off and retry",
    },
  };
}

/** The error statuses each kind of route can answer, whatever the route. */
const commonErrors: Record<Route['auth'], readonly number[]> = {
  store: [400, 401, 403, 413, 429, 500],
  listener: [400, 401, 403, 500],
  none: [],
};

const statusText: Readonly<Record<number, string>> = {
  400: 'bad input (invalid_json, invalid_request, invalid_track_url)',
  401: 'no or unknown credentials',
  403: 'not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope)',
  404: "unknown, or another tenant's",
  409: 'conflict (track_conflict, session_cancelled, idempotency_key_reused, event_not_ready, user_erasing, user_erased)',
  413: 'too large (download_params_too_large, body_too_large)',
  429: 'throttled; Retry-After says when to come back',
  500: "trackdrop's fault; safe to retry",
};

/** API Gateway's own error body: a listener token it refuses, a request over the stage's throttling. */
const gatewayErrorBody = { type: 'object', properties: { message: { type: 'string' } } };

const errorBody = jsonSchema(errorAnswerSchema, 'output');

/** The callbacks a store receives at its callback URL, as OpenAPI 3.1 webhooks, with their headers. */
function webhooks(settings: TrackdropSettings): Record<string, unknown> {
  const { timeoutSeconds, maxBackoffSeconds } = settings.callbacks;
  const headers = [
    {
      name: 'Trackdrop-Event-Id',
      in: 'header',
      required: true,
      description: 'The same on every delivery of one event: drop a repeat by it',
      schema: { type: 'string' },
    },
    {
      name: 'Trackdrop-Signature',
      in: 'header',
      required: true,
      description:
        't=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<raw body>")>, one v1= per active secret (docs/callbacks.md)',
      schema: { type: 'string', pattern: '^t=\\d+(,v1=[0-9a-f]{64})+$' },
    },
  ];
  const hook = (operationId: string, summary: string, schema: z.ZodMiniType) => ({
    post: {
      operationId,
      summary,
      description: `Any 2xx acknowledges. Anything else, or no answer within ${timeoutSeconds} s, is sent again with the same event id, backing off exponentially up to ${maxBackoffSeconds} s apart. Check its Trackdrop-Signature before trusting it.`,
      // No security scheme: trackdrop presents no credential of the store's; the store authenticates
      // a callback by its Trackdrop-Signature header, a parameter above.
      security: [],
      parameters: headers,
      requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(schema) } } },
      responses: { '200': { description: 'taken (any 2xx does)' } },
    },
  });
  return {
    Download: hook('downloadEvent', 'Download(containerList, cookie): a session was opened', downloadEventSchema),
    DownloadTrackComplete: hook(
      'downloadTrackCompleteEvent',
      'DownloadTrackComplete(hrResult, contentID, downloadParams): an approved track ended',
      downloadTrackCompleteEventSchema,
    ),
    UserErased: hook(
      'userErasedEvent',
      "UserErased: a user's files, library, licenses and sessions were erased; delete your copy",
      userErasedEventSchema,
    ),
  };
}

/**
 * The OpenAPI 3.1 document of both APIs, built from the route table and the very schemas the
 * handlers validate requests with, so it cannot name a field or a route the code does not have.
 */
export function openApiDocument(settings: TrackdropSettings): Record<string, unknown> {
  const docs = routeDocs(settings);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const doc = docs[route.name];
    const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => {
      const name = m[1];
      if (name === undefined) throw new Error(`route ${route.path}: a path parameter without a name`);
      return name;
    });
    const parameters = [
      ...names.map((name) => ({
        name,
        in: 'path',
        required: true,
        schema: jsonSchema(pathParams[name] ?? z.string()),
      })),
      ...Object.entries(doc.query?.def.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
        schema: jsonSchema(schema instanceof z.ZodMiniOptional ? schema.def.innerType : schema),
      })),
      ...Object.entries(doc.headers ?? {}).map(([name, h]) => ({
        name,
        in: 'header',
        required: false,
        description: h.description,
        schema: jsonSchema(h.schema),
      })),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, ok] of Object.entries(doc.ok))
      responses[status] = {
        description: ok.description,
        ...(ok.schema ? { content: { 'application/json': { schema: jsonSchema(ok.schema, 'output') } } } : {}),
      };
    for (const status of new Set([...commonErrors[route.auth], ...(doc.errors ?? [])])) {
      responses[String(status)] = {
        description: statusText[status] ?? 'error',
        ...(status === 429
          ? {
              headers: {
                'Retry-After': {
                  description: 'Seconds to wait before sending it again',
                  schema: { type: 'integer', minimum: 1 },
                },
              },
            }
          : {}),
        content: {
          'application/json': {
            schema:
              route.auth === 'listener' && status === 401 ? gatewayErrorBody : { $ref: '#/components/schemas/Error' },
          },
        },
      };
    }
    if (doc.gatewayErrors)
      responses['4XX'] = {
        description: doc.gatewayErrors,
        content: { 'application/json': { schema: gatewayErrorBody } },
      };
    const pathItem = paths[route.path] ?? {};
    paths[route.path] = pathItem;
    pathItem[route.method.toLowerCase()] = {
      operationId: route.name,
      summary: doc.summary,
      description: doc.description,
      tags: [route.auth === 'listener' ? 'listener' : route.auth === 'store' ? 'store' : 'meta'],
      security:
        route.auth === 'store'
          ? [{ storeKey: [] }]
          : route.auth === 'listener'
            ? [{ listenerJwt: [...settings.listener.scopes] }]
            : [],
      ...(parameters.length ? { parameters } : {}),
      ...(doc.body
        ? {
            requestBody: {
              required: !doc.bodyOptional,
              content: { 'application/json': { schema: jsonSchema(doc.body) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'trackdrop',
      version: '1',
      license: { name: 'MIT', identifier: 'MIT' },
      // Each deployment is its own API: whoever runs it answers for it.
      contact: { name: "The operator of this deployment, who issues stores' API keys" },
      description:
        "The store API (a store's API key) and the listener API (/v1/me/…, a JWT from the locker's identity provider, " +
        'checked by API Gateway). Errors: {"error":{"code","message","hresult","requestId"}}; a listener token API Gateway refuses gets its own {"message":"Unauthorized"}.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    // Relative: the stack's ApiUrl output (or the sandbox's API) is the base, wherever it runs.
    servers: [{ url: '/', description: "The API's own base URL: the stack's ApiUrl output, or the sandbox's API" }],
    tags: [
      { name: 'store', description: 'For stores: the content-partner download protocol' },
      { name: 'listener', description: 'For listeners: their own library, files and downloads' },
      { name: 'meta', description: 'About the API itself' },
    ],
    paths,
    webhooks: webhooks(settings),
    components: {
      schemas: { Error: errorBody },
      securitySchemes: {
        storeKey: { type: 'http', scheme: 'bearer', description: "A store's API key, from `trackdrop store add`" },
        listenerJwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "A JWT from the locker's identity provider (issuer and audience are stack settings)",
        },
      },
    },
  };
}

/** The document generated once, where no bundling wrote it (a run from the sources). */
export function generatedOpenApi(settings: TrackdropSettings): OpenApiSource {
  return onceOpenApi(async () => openApiDocument(settings));
}
