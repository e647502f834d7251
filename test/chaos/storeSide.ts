import { mapLimit } from '../../functions/core/mapLimit.js';
import type { ApiAnswer, StoreClient } from '../../testkit/storeClient.js';
import type { ChaosPlan, PlannedTrack } from './plan.js';

/**
 * The chaos store's side of the protocol, done as docs/store-api.md tells a store to: every call is
 * idempotent, so a 5xx (trackdrop's own fault, e.g. a throttled table) is simply retried, and
 * so is a 429 (the store's own rate limit).
 */
export class ChaosStore {
  /** 5xx answers (and broken connections) the store retried. */
  retried = 0;
  /** 429 answers (over the store's rate limit) the store waited out. */
  rateLimited = 0;
  /** Track results the API refused (4xx per track): a harness error, never expected. */
  readonly refused: string[] = [];

  constructor(private readonly client: StoreClient) {}

  async call<T>(what: string, fn: () => Promise<ApiAnswer<T>>): Promise<ApiAnswer<T>> {
    for (let attempt = 0; ; attempt++) {
      let res: ApiAnswer<T> | undefined;
      try {
        res = await fn();
      } catch (err) {
        if (attempt >= 12) throw err;
      }
      if (res && res.status < 500 && res.status !== 429) return res;
      if (attempt >= 12) throw new Error(`${what}: still ${res?.status ?? 'no answer'} after ${attempt + 1} tries`);
      if (res?.status === 429) this.rateLimited += 1;
      else this.retried += 1;
      await new Promise((r) => setTimeout(r, res?.status === 429 ? 1000 : Math.min(2000, 100 * 2 ** attempt)));
    }
  }

  async predeliverLicenses(tracks: readonly PlannedTrack[]): Promise<void> {
    await mapLimit(
      tracks.filter((t) => t.licensed && !t.declinedWith),
      8,
      async (t) => {
        const res = await this.call('license', () =>
          this.client.putLicense(t.userId, t.serviceTrackId, { licenseId: `lic-${t.serviceTrackId}` }),
        );
        if (res.status !== 201 && res.status !== 200)
          throw new Error(`license ${t.serviceTrackId}: ${res.status} ${JSON.stringify(res.body)}`);
      },
    );
  }

  /**
   * Opens a session. POST /v1/downloads is not idempotent (each call is a new cookie), so a 5xx
   * retried here may leave a session behind that the store never uses; none of its tracks exist.
   */
  async openSession(userId: string): Promise<string> {
    const res = await this.call('open session', () => this.client.openSession(userId));
    if (res.status !== 201) throw new Error(`open session: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.cookie;
  }

  /**
   * DownloadTrack for the session's tracks, in batches of up to 100. A track answered `throttled`
   * on its own (DynamoDB was busy for it) is sent again, as docs/store-api.md tells a store to.
   */
  async sendTracks(
    cookie: string,
    tracks: readonly PlannedTrack[],
    trackUrl: (t: PlannedTrack) => string,
  ): Promise<void> {
    for (let i = 0; i < tracks.length; i += 100) {
      let chunk = tracks.slice(i, i + 100);
      for (let attempt = 0; chunk.length > 0; attempt++) {
        const body = chunk.map((t) => ({
          trackUrl: trackUrl(t),
          serviceTrackId: t.serviceTrackId,
          downloadParams: t.downloadParams,
          hrDownload: t.declinedWith ?? 0,
          ...(t.wrongChecksum ? { sha256: wrongSha256(t.sha256) } : {}),
        }));
        const res = await this.call('batch', () => this.client.downloadTracks(cookie, body));
        if (res.status !== 200) throw new Error(`batch: ${res.status} ${JSON.stringify(res.body)}`);
        const again: PlannedTrack[] = [];
        res.body.results.forEach((r, j) => {
          const t = chunk[j]!;
          if (isThrottled(r) && attempt < 12) {
            again.push(t);
            return;
          }
          const expected = t.declinedWith ? 'declined' : 'queued';
          if (r.state !== expected) this.refused.push(`track ${t.serviceTrackId}: ${JSON.stringify(r)}`);
        });
        if (again.length > 0) {
          this.retried += 1;
          await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
        }
        chunk = again;
      }
    }
  }

  async cancel(cookie: string): Promise<void> {
    const res = await this.call('cancel', () => this.client.call('DELETE', `/v1/downloads/${cookie}`));
    if (res.status !== 202) throw new Error(`cancel: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** Another valid SHA-256: the first hex digit changed. */
function wrongSha256(sha256: string): string {
  return `${sha256[0] === '0' ? '1' : '0'}${sha256.slice(1)}`;
}

export function sessionsOf(plan: ChaosPlan): PlannedTrack[][] {
  return plan.sessions.map((_, i) => plan.tracks.filter((t) => t.session === i));
}

/** A batch result that says "DynamoDB was busy for this one; send it again". */
function isThrottled(result: Record<string, unknown>): boolean {
  const { error } = result;
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'throttled';
}
