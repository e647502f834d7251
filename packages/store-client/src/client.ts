import createClient from 'openapi-fetch';
import { dataOf, noContent } from './answer.js';
import type { paths } from './openapi.js';
import { itemsOf, pages } from './paging.js';
import { withRetry } from './retry.js';
import { type RetryPolicy, retryPolicy } from './retryPolicy.js';
import { readSession, type SessionOutcome, type WaitOptions, waitForSession } from './sessionWait.js';
import { isThrottledItem, sendRetryingThrottled } from './throttledItems.js';
import type {
  CancelAnswer,
  ContentIdsPage,
  DownloadTrackBody,
  EventEntry,
  EventsPage,
  EventType,
  LibraryItem,
  LibraryPage,
  LicenseAnswer,
  LicenseBatchItem,
  LicenseBatchResult,
  LicenseBody,
  RedeliveryAnswer,
  SessionBody,
  SessionOpened,
  SessionStatus,
  SessionTrack,
  TrackAnswer,
  TrackBatchResult,
} from './types.js';

export interface StoreClientOptions {
  /** The API's base URL: the stack's `ApiUrl` output, or the sandbox's API. */
  readonly baseUrl: string;
  /** The store's API key, from `trackdrop store add`. */
  readonly apiKey: string;
  /** How throttled calls and batch items are sent again (defaultRetryPolicy, with these changes). */
  readonly retry?: Partial<RetryPolicy>;
  /** Items per batch call: the API's `limits.maxBatchTracks`, 100 unless the stack changed it. */
  readonly batchSize?: number;
  /** The fetch to send with (the global one by default). */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/** A page's size and where it starts: the `next` of the page before, or none for the first. */
export interface PageQuery {
  readonly limit?: number;
  readonly next?: string | undefined;
}

/** How the listing helpers page: `pageSize` items a call (the API's default when unset). */
export interface PagingOptions {
  readonly pageSize?: number;
}

/** Which events of the log: one kind only, and only sessions opened after `since`, when set. */
export interface EventsQuery extends PageQuery {
  readonly type?: EventType;
  /** ISO 8601: where a catch-up starts. */
  readonly since?: string;
}

export interface OpenSessionOptions {
  /** A retry with the same key gets the same session for a day (another body with it is 409). */
  readonly idempotencyKey?: string;
}

/**
 * A store's side of the store API. Each call answers its success body and throws a
 * StoreApiError for any other answer; a 429 is sent again as its Retry-After says, and a batch
 * sends again only its throttled items (see RetryPolicy).
 */
export type StoreClient = ReturnType<typeof createStoreClient>;

export function createStoreClient(options: StoreClientOptions) {
  const policy = retryPolicy(options.retry);
  const batchSize = options.batchSize ?? 100;
  const api = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const query = (q: PageQuery) => ({ limit: q.limit === undefined ? undefined : String(q.limit), next: q.next });

  /** Sends in batches of batchSize, each retrying its throttled items; the results in the items' order. */
  async function batched<Item, Result extends LicenseBatchResult | TrackBatchResult>(
    items: readonly Item[],
    send: (items: readonly Item[]) => Promise<readonly Result[]>,
  ): Promise<Result[]> {
    const results: Result[] = [];
    for (let i = 0; i < items.length; i += batchSize)
      results.push(...(await sendRetryingThrottled(items.slice(i, i + batchSize), send, isThrottledItem, policy)));
    return results;
  }

  const client = {
    /** The typed openapi-fetch client underneath, for anything the methods below do not cover. */
    api,
    policy,

    /** Predelivers the license a worker checks before it fetches the track for this user. */
    async putLicense(userId: string, serviceTrackId: number, body: LicenseBody = {}): Promise<LicenseAnswer> {
      return dataOf(
        await withRetry(
          () =>
            api.PUT('/v1/users/{userId}/licenses/{serviceTrackId}', {
              params: { path: { userId, serviceTrackId: String(serviceTrackId) } },
              body,
            }),
          policy,
        ),
      );
    },

    /** Withdraws a license (a StoreApiError `license_not_found` if there is none). */
    async deleteLicense(userId: string, serviceTrackId: number): Promise<void> {
      noContent(
        await withRetry(
          () =>
            api.DELETE('/v1/users/{userId}/licenses/{serviceTrackId}', {
              params: { path: { userId, serviceTrackId: String(serviceTrackId) } },
            }),
          policy,
        ),
      );
    },

    /**
     * licenses:batch for any number of licenses, batchSize a call: one result per license, in
     * order; a throttled one is sent again, and left `throttled` only when the attempts ran out.
     */
    putLicenseBatch(userId: string, licenses: readonly LicenseBatchItem[]): Promise<LicenseBatchResult[]> {
      return batched(licenses, async (batch) => {
        const answer = await withRetry(
          () =>
            api.PUT('/v1/users/{userId}/licenses:batch', {
              params: { path: { userId } },
              body: { licenses: [...batch] },
            }),
          policy,
        );
        return dataOf(answer).results;
      });
    },

    /** Download(containerList): opens a session; the store then gets its Download webhook. */
    async openSession(body: SessionBody, opts: OpenSessionOptions = {}): Promise<SessionOpened> {
      return dataOf(
        await withRetry(
          () =>
            api.POST('/v1/downloads', {
              params: { header: { 'Idempotency-Key': opts.idempotencyKey } },
              body,
            }),
          policy,
        ),
      );
    },

    /** DownloadTrack: `queued` for a success hrDownload, `declined` for a failure one. */
    async downloadTrack(cookie: string, track: DownloadTrackBody): Promise<TrackAnswer> {
      return dataOf(
        await withRetry(
          () => api.POST('/v1/downloads/{cookie}/tracks', { params: { path: { cookie } }, body: track }),
          policy,
        ),
      );
    },

    /**
     * DownloadTrack for any number of tracks, batchSize a call: one result per track, in order (a
     * refused one carries its own error); a throttled one is sent again.
     */
    downloadTrackBatch(cookie: string, tracks: readonly DownloadTrackBody[]): Promise<TrackBatchResult[]> {
      return batched(tracks, async (batch) => {
        const answer = await withRetry(
          () =>
            api.POST('/v1/downloads/{cookie}/tracks:batch', {
              params: { path: { cookie } },
              body: { tracks: [...batch] },
            }),
          policy,
        );
        return dataOf(answer).results;
      });
    },

    /** One page of a session: the whole session's counts, and up to `limit` of its tracks. */
    async getSession(cookie: string, page: PageQuery = {}): Promise<SessionStatus> {
      return dataOf(
        await withRetry(
          () => api.GET('/v1/downloads/{cookie}', { params: { path: { cookie }, query: query(page) } }),
          policy,
        ),
      );
    },

    /** Cancels a session at once; its tracks not yet stored then end `cancelled`, each with a callback. */
    async cancelSession(cookie: string): Promise<CancelAnswer> {
      return dataOf(
        await withRetry(() => api.DELETE('/v1/downloads/{cookie}', { params: { path: { cookie } } }), policy),
      );
    },

    /** One page of this store's items in the user's library. */
    async getLibrary(userId: string, page: PageQuery = {}): Promise<LibraryPage> {
      return dataOf(
        await withRetry(
          () => api.GET('/v1/users/{userId}/library', { params: { path: { userId }, query: query(page) } }),
          policy,
        ),
      );
    },

    /** GetContentIDsInLibrary: one page of this store's content ids in the user's library. */
    async getContentIds(userId: string, page: PageQuery = {}): Promise<ContentIdsPage> {
      return dataOf(
        await withRetry(
          () => api.GET('/v1/users/{userId}/library/content-ids', { params: { path: { userId }, query: query(page) } }),
          policy,
        ),
      );
    },

    /**
     * One page of this store's event log (its sessions of the last days, oldest first), with how
     * each delivery went; `next` goes back as the following page's start.
     */
    async getEvents(page: EventsQuery = {}): Promise<EventsPage> {
      return dataOf(
        await withRetry(
          () =>
            api.GET('/v1/events', {
              params: {
                query: {
                  limit: page.limit === undefined ? undefined : String(page.limit),
                  after: page.next,
                  type: page.type,
                  since: page.since,
                },
              },
            }),
          policy,
        ),
      );
    },

    /** Every event of the log, following `next`. */
    events(
      opts: PagingOptions & { readonly type?: EventType; readonly since?: string } = {},
    ): AsyncGenerator<EventEntry, void, undefined> {
      const all = pages((next) => client.getEvents({ limit: opts.pageSize, next, type: opts.type, since: opts.since }));
      return itemsOf(all, (p) => p.events);
    },

    /** Sends one event again now, with its own event id (StoreApiError `event_not_found` or `event_not_ready`). */
    async redeliverEvent(eventId: string): Promise<RedeliveryAnswer> {
      return dataOf(
        await withRetry(() => api.POST('/v1/events/{eventId}/redeliver', { params: { path: { eventId } } }), policy),
      );
    },

    /** Every page of a session, following `next`. */
    sessionPages(cookie: string, opts: PagingOptions = {}): AsyncGenerator<SessionStatus, void, undefined> {
      return pages((next) => client.getSession(cookie, { limit: opts.pageSize, next }));
    },

    /** Every track of a session, in the pages' order. */
    sessionTracks(cookie: string, opts: PagingOptions = {}): AsyncGenerator<SessionTrack, void, undefined> {
      return itemsOf(client.sessionPages(cookie, opts), (p) => p.tracks);
    },

    /**
     * Reads the session, every page of it, until every track has settled (ended, and its
     * DownloadTrackComplete acknowledged); throws SessionWaitTimeout at the deadline.
     */
    waitForSession(cookie: string, opts: WaitOptions = {}): Promise<SessionOutcome> {
      return waitForSession(() => readSession(client.sessionPages(cookie, opts)), opts);
    },

    /** Every one of this store's items in the user's library. */
    libraryItems(userId: string, opts: PagingOptions = {}): AsyncGenerator<LibraryItem, void, undefined> {
      const all = pages((next) => client.getLibrary(userId, { limit: opts.pageSize, next }));
      return itemsOf(all, (p) => p.items);
    },

    /** Every one of this store's content ids in the user's library, in order. */
    contentIds(userId: string, opts: PagingOptions = {}): AsyncGenerator<number, void, undefined> {
      const all = pages((next) => client.getContentIds(userId, { limit: opts.pageSize, next }));
      return itemsOf(all, (p) => p.contentIds);
    },
  };
  return client;
}
