import { isSettled } from '../functions/core/completionOwed.js';
import type { TrackState } from '../functions/core/trackState.js';

/** A store's side of the API, over plain HTTP: what the demo, the tests and the benchmark use. */
export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export class StoreClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    init: { rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(body !== undefined || init.rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.rawBody !== undefined
        ? { body: init.rawBody }
        : body !== undefined
          ? { body: JSON.stringify(body) }
          : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }

  putLicense(userId: string, serviceTrackId: number, body: { licenseId?: string; expiresAt?: string } = {}) {
    return this.call('PUT', `/v1/users/${encodeURIComponent(userId)}/licenses/${serviceTrackId}`, body);
  }

  openSession(userId: string, containers?: unknown[]) {
    return this.call<{ cookie: string; userId: string; createdAt: string }>('POST', '/v1/downloads', {
      userId,
      ...(containers ? { containers } : {}),
    });
  }

  downloadTrack(
    cookie: string,
    track: {
      trackUrl?: string;
      serviceTrackId: number;
      downloadParams: string;
      hrDownload: number | string;
      sha256?: string;
    },
  ) {
    return this.call('POST', `/v1/downloads/${cookie}/tracks`, track);
  }

  downloadTracks(cookie: string, tracks: unknown[]) {
    return this.call<{ results: Record<string, unknown>[] }>('POST', `/v1/downloads/${cookie}/tracks:batch`, {
      tracks,
    });
  }

  session(cookie: string, query = '') {
    return this.call<SessionStatus>('GET', `/v1/downloads/${cookie}${query}`);
  }

  putLicenses(userId: string, licenses: { serviceTrackId: number; licenseId?: string; expiresAt?: string }[]) {
    return this.call<{ results: Record<string, unknown>[] }>(
      'PUT',
      `/v1/users/${encodeURIComponent(userId)}/licenses:batch`,
      { licenses },
    );
  }

  contentIds(userId: string, query = '') {
    return this.call<{ contentIds: number[]; next?: string }>(
      'GET',
      `/v1/users/${encodeURIComponent(userId)}/library/content-ids${query}`,
    );
  }

  library(userId: string, query = '') {
    return this.call<{ items: Record<string, unknown>[]; next?: string }>(
      'GET',
      `/v1/users/${encodeURIComponent(userId)}/library${query}`,
    );
  }

  /** Polls the session until every track is terminal (or the deadline passes). */
  async waitForSession(
    cookie: string,
    timeoutMs = 60_000,
    onProgress?: (s: SessionStatus) => void,
  ): Promise<SessionStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await this.session(cookie);
      onProgress?.(body);
      const settled = body.tracks.every(isSettled);
      if (settled || Date.now() > deadline) return body;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export interface SessionStatus {
  readonly cookie: string;
  readonly userId: string;
  readonly counts: Record<string, number>;
  readonly cancelledAt?: string;
  /** Present when more tracks follow: pass it back as `?next=`. */
  readonly next?: string;
  readonly tracks: {
    serviceTrackId: number;
    state: TrackState;
    hrResult?: string;
    key?: string;
    reason?: string;
    notifiedAt?: string;
  }[];
}
