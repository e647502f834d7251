/**
 * The store API's types, generated from openApiDocument(defaultSettings) by `npm run client:types`
 * (tooling/storeClientTypes.ts). Do not edit: change the document and run it again.
 */

export interface paths {
  '/v1/users/{userId}/licenses/{serviceTrackId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Predeliver a license
     * @description The license a worker checks before it fetches a track for this user; a track is downloaded only after its license was predelivered. An `expiresAt` in the past refuses the download (NS_E_DRM_LICENSE_NOTACQUIRED). userId: 1-128 of A-Z a-z 0-9 . _ -, not only dots. A user being erased answers 409 user_erasing, and one erased lately 409 user_erased.
     */
    put: operations['putLicense'];
    post?: never;
    /**
     * Withdraw a license
     * @description A track queued after this is refused when its worker checks the license; one already stored stays in the library.
     */
    delete: operations['deleteLicense'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/users/{userId}/licenses:batch': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Predeliver many licenses at once (each answered in order; a throttled one says so on its own)
     * @description Up to 100 licenses, each answered in order with `state: stored` or its own `error`; an error `throttled` (DynamoDB was busy) means send that one again, the others were taken.
     */
    put: operations['putLicenseBatch'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/downloads': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Download(containerList): open a download session
     * @description Opens a session and answers its cookie; the store gets a `Download` webhook for it. With an Idempotency-Key, a retry gets the same session for a day. Up to 100 containers of up to 1,000 content ids each.
     */
    post: operations['openSession'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/downloads/{cookie}/tracks': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * DownloadTrack
     * @description hrDownload is an HRESULT in one of three forms: an int32 number, an unsigned 32-bit number, or `0x` and 1-8 hex digits. A success code queues the track (202) and needs trackUrl: https://, http:// or s3://bucket/key on the store's allowlist, never trackdrop's own bucket. A failure code records it declined (200) and fetches nothing. downloadParams (up to 16 KiB of UTF-8) comes back byte for byte in DownloadTrackComplete.
     */
    post: operations['downloadTrack'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/downloads/{cookie}/tracks:batch': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * DownloadTrack for many tracks at once (each answered in order)
     * @description Up to 100 DownloadTrack bodies, each checked and answered on its own, in order: one refused does not sink the others; an error `throttled` means send that track again.
     */
    post: operations['downloadTrackBatch'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/downloads/{cookie}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A session's state: counts of the whole session and a page of its tracks' outcomes
     * @description Counts of the whole session, and a page of its tracks (up to 1,000): follow `next` for the rest. A session of up to 1,000 tracks is counted from its tracks, exactly; a larger one from a counts item that lags a batch's moves by a moment.
     */
    get: operations['getSession'];
    put?: never;
    post?: never;
    /**
     * Cancel a session at once: its tracks not yet stored then end cancelled (E_ABORT) in the background, each with one callback
     * @description Answers at once, whatever the session's size: its tracks not yet stored end cancelled (E_ABORT) in the background, each with one DownloadTrackComplete; stored tracks finish normally. A DownloadTrack on it afterwards answers 409 session_cancelled.
     */
    delete: operations['cancelSession'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/users/{userId}/library': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * This store's items in the user's library
     * @description This store's own items only, with the key as the store sees it; follow `next` for the following page.
     */
    get: operations['getLibrary'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/users/{userId}/library/content-ids': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * GetContentIDsInLibrary: this store's content IDs in the user's library, a page at a time
     * @description In order, up to `limit` (1-10,000, default 10,000) a page; follow `next` for the rest.
     */
    get: operations['getContentIds'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * This store's event log: its events of the last days, and how each delivery went
     * @description The events of this store's sessions opened in the last 30 days (callbacks.eventLogDays), session by session, oldest first (after `since`, when given): each session's Download, then its tracks' DownloadTrackComplete once they ended. Each says whether the store acknowledged it, how many deliveries were made, and the last failed one's status or error. Events past the retry window stay listed and can be sent again (redeliver). Follow `next` (as `after`) for the following page; a page may hold fewer than `limit` events and still have a `next`.
     */
    get: operations['listEvents'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/events/{eventId}/redeliver': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send one event again now, with the same event id
     * @description Queues the event for delivery at once, signed and with its own Trackdrop-Event-Id, retried as every callback is. An event that was never acknowledged (past the retry window, say) ends its track when this delivery is taken. 409 event_not_ready: the track has not ended yet. Another store's event answers 404.
     */
    post: operations['redeliverEvent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/library': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The listener's library across every store (cover key, tags, bytes)
     * @description Every store's items in the listener's own library (the user the token names), with the file's tags, size and cover key; follow `next`.
     */
    get: operations['getMyLibrary'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/library/{storeId}/{serviceTrackId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One item of the listener's library
     * @description Another user's item answers 404, as a missing one does.
     */
    get: operations['getMyItem'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/library/{storeId}/{serviceTrackId}/url': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A short-lived presigned GET URL to play or download the item (or its cover)
     * @description The URL opens the file with the Content-Type its bytes show (never the origin's) and a Content-Disposition naming it, inline or as an attachment; it expires after listener.urlTtlSeconds.
     */
    get: operations['getMyItemUrl'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/downloads': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The listener's download sessions, newest first, with their counts
     * @description The listener's sessions from every store, newest first, with their counts, up to `limit` (1-50) a page.
     */
    get: operations['getMyDownloads'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    /**
     * Erase everything trackdrop holds of the listener
     * @description Starts the erasure of the listener's files (every version), library, licenses and download sessions, and answers it (202); asking again answers the same erasure. The body must be {"confirm": "erase my library"}. Tracks in flight end E_ABORT; every store that held a license for the listener gets one UserErased event. Afterwards stores' licenses, sessions and DownloadTracks for the listener are refused (409 user_erased) for 30 days. Follow it with GET /v1/me/erasure.
     */
    delete: operations['eraseMe'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/me/erasure': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The listener's erasure: where it stands, and what it removed
     * @description The erasure DELETE /v1/me started, its phase and what each step removed so far; `erased` once nothing is left. 404 erasure_not_found when none was asked for (or its tombstone has lapsed).
     */
    get: operations['getMyErasure'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/v1/openapi.json': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * This document
     * @description The OpenAPI 3.1 document of both APIs and of the webhooks a store receives, built from the schemas the handlers use.
     */
    get: operations['getOpenApi'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export interface webhooks {
  Download: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Download(containerList, cookie): a session was opened
     * @description Any 2xx acknowledges. Anything else, or no answer within 10 s, is sent again with the same event id, backing off exponentially up to 900 s apart. Check its Trackdrop-Signature before trusting it.
     */
    post: operations['downloadEvent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  DownloadTrackComplete: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * DownloadTrackComplete(hrResult, contentID, downloadParams): an approved track ended
     * @description Any 2xx acknowledges. Anything else, or no answer within 10 s, is sent again with the same event id, backing off exponentially up to 900 s apart. Check its Trackdrop-Signature before trusting it.
     */
    post: operations['downloadTrackCompleteEvent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  UserErased: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * UserErased: a user's files, library, licenses and sessions were erased; delete your copy
     * @description Any 2xx acknowledges. Anything else, or no answer within 10 s, is sent again with the same event id, backing off exponentially up to 900 s apart. Check its Trackdrop-Signature before trusting it.
     */
    post: operations['userErasedEvent'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export interface components {
  schemas: {
    Error: {
      error: {
        code: string;
        message: string;
        hresult?: string;
        details?: unknown;
        requestId?: string;
      };
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  putLicense: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        userId: string;
        serviceTrackId: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          licenseId?: string;
          /** Format: date-time */
          expiresAt?: string;
        };
      };
    };
    responses: {
      /** @description replaced */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            userId: string;
            serviceTrackId: number;
            /** @enum {string} */
            state: 'created' | 'updated';
          };
        };
      };
      /** @description created */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            userId: string;
            serviceTrackId: number;
            /** @enum {string} */
            state: 'created' | 'updated';
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description conflict (track_conflict, session_cancelled, idempotency_key_reused, event_not_ready, user_erasing, user_erased) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  deleteLicense: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        userId: string;
        serviceTrackId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description unknown, or another tenant's */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  putLicenseBatch: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          licenses: {
            serviceTrackId: number;
            licenseId?: string;
            /** Format: date-time */
            expiresAt?: string;
          }[];
        };
      };
    };
    responses: {
      /** @description one result per license */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            results: (
              | {
                  serviceTrackId: number;
                  /** @constant */
                  state: 'stored';
                }
              | {
                  serviceTrackId: number;
                  error: {
                    code: string;
                    message: string;
                    hresult?: string;
                    details?: unknown;
                  };
                }
            )[];
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description conflict (track_conflict, session_cancelled, idempotency_key_reused, event_not_ready, user_erasing, user_erased) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  openSession: {
    parameters: {
      query?: never;
      header?: {
        /** @description A retry with the same key gets the same session for a day; the same key with another body answers 409 idempotency_key_reused */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          userId: string;
          /** @enum {string} */
          transactionType?: 'none' | 'download' | 'buy';
          containers?: {
            id: string | number;
            type?: string;
            price?: string;
            contentIds: number[];
          }[];
        };
      };
    };
    responses: {
      /** @description the session and its cookie */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            cookie: string;
            userId: string;
            /** Format: date-time */
            createdAt: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description conflict (track_conflict, session_cancelled, idempotency_key_reused, event_not_ready, user_erasing, user_erased) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  downloadTrack: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cookie: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          trackUrl?: string;
          serviceTrackId: number;
          downloadParams: string;
          hrDownload: number | string;
          sha256?: string;
        };
      };
    };
    responses: {
      /** @description declined */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            serviceTrackId: number;
            /** @enum {string} */
            state: 'queued' | 'declined';
            hrResult?: string;
          };
        };
      };
      /** @description queued */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            serviceTrackId: number;
            /** @enum {string} */
            state: 'queued' | 'declined';
            hrResult?: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description unknown, or another tenant's */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description conflict (track_conflict, session_cancelled, idempotency_key_reused, event_not_ready, user_erasing, user_erased) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  downloadTrackBatch: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cookie: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          tracks: {
            trackUrl?: string;
            serviceTrackId: number;
            downloadParams: string;
            hrDownload: number | string;
            sha256?: string;
          }[];
        };
      };
    };
    responses: {
      /** @description one result per track */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            results: (
              | {
                  serviceTrackId: number;
                  /** @enum {string} */
                  state: 'queued' | 'declined';
                  hrResult?: string;
                }
              | {
                  serviceTrackId?: number;
                  error: {
                    code: string;
                    message: string;
                    hresult?: string;
                    details?: unknown;
                  };
                }
            )[];
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description unknown, or another tenant's */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description conflict (track_conflict, session_cancelled, idempotency_key_reused, event_not_ready, user_erasing, user_erased) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getSession: {
    parameters: {
      query?: {
        limit?: string;
        next?: string;
      };
      header?: never;
      path: {
        cookie: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description the session */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            cookie: string;
            userId: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            cancelledAt?: string;
            counts: {
              queued: number;
              stored: number;
              completed: number;
              failed: number;
              cancelled: number;
              declined: number;
            };
            tracks: {
              serviceTrackId: number;
              /** @enum {string} */
              state: 'queued' | 'stored' | 'completed' | 'failed' | 'cancelled' | 'declined';
              hrResult?: string;
              key?: string;
              itemId?: string;
              reason?: string;
              /** Format: date-time */
              notifiedAt?: string;
            }[];
            next?: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description unknown, or another tenant's */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  cancelSession: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cookie: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description how many were queued when the cancel was taken */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            cancelled: number;
            /** @constant */
            state: 'cancelling';
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description unknown, or another tenant's */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getLibrary: {
    parameters: {
      query?: {
        limit?: string;
        next?: string;
      };
      header?: never;
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description a page of items */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: {
              title?: string;
              artist?: string;
              artists?: string[];
              albumArtist?: string;
              albumArtists?: string[];
              album?: string;
              trackNumber?: number;
              trackTotal?: number;
              discNumber?: number;
              discTotal?: number;
              year?: number;
              genre?: string;
              genres?: string[];
              compilation?: boolean;
              durationSeconds?: number;
              codec?: string;
              container?: string;
              bitrate?: number;
              sampleRate?: number;
              channels?: number;
              lossless?: boolean;
              replayGain?: {
                trackGain?: number;
                trackPeak?: number;
                albumGain?: number;
                albumPeak?: number;
              };
              musicBrainz?: {
                recordingId?: string;
                trackId?: string;
                albumId?: string;
                releaseGroupId?: string;
                artistIds?: string[];
                albumArtistIds?: string[];
              };
              key: string;
              bytes: number;
              sha256: string;
              contentType?: string;
              coverKey?: string;
              serviceTrackId: number;
              cookie: string;
              /** Format: date-time */
              addedAt: string;
              itemId: string;
            }[];
            next?: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getContentIds: {
    parameters: {
      query?: {
        limit?: string;
        next?: string;
      };
      header?: never;
      path: {
        userId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description a page of content IDs */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            contentIds: number[];
            next?: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  listEvents: {
    parameters: {
      query?: {
        limit?: string;
        after?: string;
        since?: string;
        type?: 'Download' | 'DownloadTrackComplete';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description a page of events */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            events: {
              id: string;
              /** @enum {string} */
              type: 'Download' | 'DownloadTrackComplete';
              /** Format: date-time */
              created: string;
              cookie: string;
              serviceTrackId?: number;
              hrResult?: string;
              delivered: boolean;
              attempts: number;
              /** Format: date-time */
              lastAttemptAt?: string;
              lastStatus?: number;
              lastError?: string;
            }[];
            next?: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  redeliverEvent: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        eventId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description queued for delivery */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            eventId: string;
            /** @constant */
            state: 'queued';
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description unknown, or another tenant's */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description conflict (track_conflict, session_cancelled, idempotency_key_reused, event_not_ready, user_erasing, user_erased) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description throttled; Retry-After says when to come back */
      429: {
        headers: {
          /** @description Seconds to wait before sending it again */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMyLibrary: {
    parameters: {
      query?: {
        limit?: string;
        next?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description a page of items */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            items: {
              title?: string;
              artist?: string;
              artists?: string[];
              albumArtist?: string;
              albumArtists?: string[];
              album?: string;
              trackNumber?: number;
              trackTotal?: number;
              discNumber?: number;
              discTotal?: number;
              year?: number;
              genre?: string;
              genres?: string[];
              compilation?: boolean;
              durationSeconds?: number;
              codec?: string;
              container?: string;
              bitrate?: number;
              sampleRate?: number;
              channels?: number;
              lossless?: boolean;
              replayGain?: {
                trackGain?: number;
                trackPeak?: number;
                albumGain?: number;
                albumPeak?: number;
              };
              musicBrainz?: {
                recordingId?: string;
                trackId?: string;
                albumId?: string;
                releaseGroupId?: string;
                artistIds?: string[];
                albumArtistIds?: string[];
              };
              key: string;
              bytes: number;
              sha256: string;
              contentType: string;
              coverKey?: string;
              storeId: string;
              serviceTrackId: number;
              /** Format: date-time */
              addedAt: string;
              fileName: string;
            }[];
            next?: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            message?: string;
          };
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMyItem: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        storeId: string;
        serviceTrackId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description the item */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            title?: string;
            artist?: string;
            artists?: string[];
            albumArtist?: string;
            albumArtists?: string[];
            album?: string;
            trackNumber?: number;
            trackTotal?: number;
            discNumber?: number;
            discTotal?: number;
            year?: number;
            genre?: string;
            genres?: string[];
            compilation?: boolean;
            durationSeconds?: number;
            codec?: string;
            container?: string;
            bitrate?: number;
            sampleRate?: number;
            channels?: number;
            lossless?: boolean;
            replayGain?: {
              trackGain?: number;
              trackPeak?: number;
              albumGain?: number;
              albumPeak?: number;
            };
            musicBrainz?: {
              recordingId?: string;
              trackId?: string;
              albumId?: string;
              releaseGroupId?: string;
              artistIds?: string[];
              albumArtistIds?: string[];
            };
            key: string;
            bytes: number;
            sha256: string;
            contentType: string;
            coverKey?: string;
            storeId: string;
            serviceTrackId: number;
            /** Format: date-time */
            addedAt: string;
            fileName: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            message?: string;
          };
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description unknown, or another tenant's */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMyItemUrl: {
    parameters: {
      query?: {
        part?: 'audio' | 'cover';
        disposition?: 'inline' | 'attachment';
      };
      header?: never;
      path: {
        storeId: string;
        serviceTrackId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description a URL for the file, and how it is served */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uri */
            url: string;
            /** Format: date-time */
            expiresAt: string;
            fileName: string;
            contentType: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            message?: string;
          };
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description unknown, or another tenant's */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMyDownloads: {
    parameters: {
      query?: {
        limit?: string;
        next?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description a page of sessions */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            sessions: {
              id: string;
              storeId: string;
              /** Format: date-time */
              createdAt: string;
              /** Format: date-time */
              cancelledAt?: string;
              inProgress: boolean;
              total: number;
              counts: {
                queued: number;
                stored: number;
                completed: number;
                failed: number;
                cancelled: number;
                declined: number;
              };
            }[];
            next?: string;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            message?: string;
          };
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  eraseMe: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @constant */
          confirm: 'erase my library';
        };
      };
    };
    responses: {
      /** @description the erasure, started or already under way */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            erasureId: string;
            /** @enum {string} */
            state: 'erasing' | 'erased';
            /** @enum {string} */
            phase:
              | 'cancel'
              | 'settle'
              | 'recancel'
              | 'licenses'
              | 'objects'
              | 'versions'
              | 'library'
              | 'downloads'
              | 'notify'
              | 'done';
            /** @enum {string} */
            requestedBy: 'listener' | 'operator';
            /** Format: date-time */
            startedAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            finishedAt?: string;
            /** Format: date-time */
            refusedUntil?: string;
            removed: {
              licenses: number;
              objects: number;
              versions: number;
              libraryItems: number;
              downloadItems: number;
            };
            stores: number;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            message?: string;
          };
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description too large (download_params_too_large, body_too_large) */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getMyErasure: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description the erasure */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            erasureId: string;
            /** @enum {string} */
            state: 'erasing' | 'erased';
            /** @enum {string} */
            phase:
              | 'cancel'
              | 'settle'
              | 'recancel'
              | 'licenses'
              | 'objects'
              | 'versions'
              | 'library'
              | 'downloads'
              | 'notify'
              | 'done';
            /** @enum {string} */
            requestedBy: 'listener' | 'operator';
            /** Format: date-time */
            startedAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            finishedAt?: string;
            /** Format: date-time */
            refusedUntil?: string;
            removed: {
              licenses: number;
              objects: number;
              versions: number;
              libraryItems: number;
              downloadItems: number;
            };
            stores: number;
          };
        };
      };
      /** @description bad input (invalid_json, invalid_request, invalid_track_url) */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description no or unknown credentials */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            message?: string;
          };
        };
      };
      /** @description not allowed (origin_not_allowed; store_suspended; for listeners, a token whose user claim is not a valid userId, or a missing scope) */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description unknown, or another tenant's */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description trackdrop's fault; safe to retry */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
    };
  };
  getOpenApi: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description OpenAPI 3.1 */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @constant */
            openapi: '3.1.0';
          } & {
            [key: string]: unknown;
          };
        };
      };
      /** @description API Gateway's own refusal, before trackdrop runs: 429 Too Many Requests when the stage's throttling (all callers together) is exceeded, without Retry-After: back off and retry */
      '4XX': {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            message?: string;
          };
        };
      };
    };
  };
  downloadEvent: {
    parameters: {
      query?: never;
      header: {
        /** @description The same on every delivery of one event: drop a repeat by it */
        'Trackdrop-Event-Id': string;
        /** @description t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<raw body>")>, one v1= per active secret (docs/callbacks.md) */
        'Trackdrop-Signature': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @constant */
          event: 'Download';
          eventId: string;
          cookie: string;
          userId: string;
          /** @enum {string} */
          transactionType: 'none' | 'download' | 'buy';
          containers: {
            id: string | number;
            type?: string;
            price?: string;
            contentIds: number[];
          }[];
          createdAt: string;
        };
      };
    };
    responses: {
      /** @description taken (any 2xx does) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  downloadTrackCompleteEvent: {
    parameters: {
      query?: never;
      header: {
        /** @description The same on every delivery of one event: drop a repeat by it */
        'Trackdrop-Event-Id': string;
        /** @description t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<raw body>")>, one v1= per active secret (docs/callbacks.md) */
        'Trackdrop-Signature': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @constant */
          event: 'DownloadTrackComplete';
          eventId: string;
          cookie: string;
          userId: string;
          serviceTrackId: number;
          hrResult: string;
          downloadParams: string;
          item?: {
            title?: string;
            artist?: string;
            artists?: string[];
            albumArtist?: string;
            albumArtists?: string[];
            album?: string;
            trackNumber?: number;
            trackTotal?: number;
            discNumber?: number;
            discTotal?: number;
            year?: number;
            genre?: string;
            genres?: string[];
            compilation?: boolean;
            durationSeconds?: number;
            codec?: string;
            container?: string;
            bitrate?: number;
            sampleRate?: number;
            channels?: number;
            lossless?: boolean;
            replayGain?: {
              trackGain?: number;
              trackPeak?: number;
              albumGain?: number;
              albumPeak?: number;
            };
            musicBrainz?: {
              recordingId?: string;
              trackId?: string;
              albumId?: string;
              releaseGroupId?: string;
              artistIds?: string[];
              albumArtistIds?: string[];
            };
            key: string;
            bytes: number;
            sha256: string;
            coverKey?: string;
            itemId?: string;
          };
          reason?: string;
        };
      };
    };
    responses: {
      /** @description taken (any 2xx does) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  userErasedEvent: {
    parameters: {
      query?: never;
      header: {
        /** @description The same on every delivery of one event: drop a repeat by it */
        'Trackdrop-Event-Id': string;
        /** @description t=<unix seconds>,v1=<hex HMAC-SHA256(signing secret, "<t>.<raw body>")>, one v1= per active secret (docs/callbacks.md) */
        'Trackdrop-Signature': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @constant */
          event: 'UserErased';
          eventId: string;
          userId: string;
          erasureId: string;
          erasedAt: string;
        };
      };
    };
    responses: {
      /** @description taken (any 2xx does) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
}
