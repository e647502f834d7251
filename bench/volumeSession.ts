import { performance } from 'node:perf_hooks';
import * as z from 'zod/mini';
import { mapLimit } from '../functions/core/mapLimit.js';
import type { ThreadStore } from '../testkit/fakeStoreThread.js';
import type { StoreClient } from '../testkit/storeClient.js';
import { makeMp3 } from '../testkit/taggedAudio.js';

/** One license's answer in a licenses:batch: stored, or an error (`throttled`: send it again). */
const licenseResults = z.array(
  z.object({
    serviceTrackId: z.number(),
    state: z.optional(z.literal('stored')),
    error: z.optional(z.object({ code: z.string() })),
  }),
);

/** `n` small tagged files on a store's origin, one album per 100 tracks, each track its own name: no name collisions. */
export function volumeFiles(store: ThreadStore, prefix: string, n: number): { id: number; url: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const id = i + 1;
    const body = makeMp3(
      {
        title: `Track ${(i % 100) + 1}`,
        artist: `${prefix} Artist`,
        album: `Album ${Math.floor(i / 100) + 1}`,
        trackNumber: (i % 100) + 1,
      },
      0.05,
    );
    return { id, url: store.addFile(`${prefix}/${id}.mp3`, body) };
  });
}

/**
 * A license for each id through licenses:batch, 100 a call, 4 calls in flight. As the README
 * tells a store: a 429 waits its Retry-After, and a license answered `throttled` is sent again;
 * anything else stops the run.
 */
export async function putAllLicenses(
  client: StoreClient,
  user: string,
  ids: readonly number[],
): Promise<{ seconds: number; waitedOut: number }> {
  const t0 = performance.now();
  const batches: number[][] = [];
  for (let i = 0; i < ids.length; i += 100) batches.push(ids.slice(i, i + 100));
  let waitedOut = 0;
  await mapLimit(batches, 4, async (batch) => {
    let left = batch;
    for (let attempt = 0; left.length > 0; attempt++) {
      if (attempt === 20) throw new Error(`licenses:batch still refused after ${attempt} tries`);
      const res = await client.putLicenses(
        user,
        left.map((serviceTrackId) => ({ serviceTrackId })),
      );
      if (res.status === 429) {
        waitedOut += 1;
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? '1') * 1000));
        continue;
      }
      if (res.status !== 200) throw new Error(`licenses:batch answered ${res.status}`);
      const results = licenseResults.parse(res.body.results);
      const refused = results.filter((r) => r.state !== 'stored' && r.error?.code !== 'throttled');
      if (refused.length > 0) throw new Error(`licenses:batch refused ${refused.length} license(s)`);
      left = results.filter((r) => r.error?.code === 'throttled').map((r) => r.serviceTrackId);
    }
  });
  return { seconds: (performance.now() - t0) / 1000, waitedOut };
}

/** The tracks through DownloadTrack batches of 100, 4 calls in flight, a 429 waited out; answers the seconds it took. */
export async function submitTracks(
  client: StoreClient,
  cookie: string,
  tracks: { id: number; url: string }[],
): Promise<number> {
  const batches: { id: number; url: string }[][] = [];
  for (let i = 0; i < tracks.length; i += 100) batches.push(tracks.slice(i, i + 100));
  const t0 = performance.now();
  await mapLimit(batches, 4, async (batch) => {
    for (;;) {
      const res = await client.downloadTracks(
        cookie,
        batch.map((t) => ({ trackUrl: t.url, serviceTrackId: t.id, downloadParams: `order=${t.id}`, hrDownload: 0 })),
      );
      if (res.status === 429) {
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? '1')));
        continue;
      }
      const queued = res.body.results?.filter((r) => r.state === 'queued').length ?? 0;
      if (res.status !== 200 || queued !== batch.length)
        throw new Error(`batch answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      return;
    }
  });
  return (performance.now() - t0) / 1000;
}
