import type { StoreClient } from '../testkit/storeClient.js';
import { demoCatalog } from './demoCatalog.js';

/**
 * What the demo store does for a purchase: predelivers a license per track, opens a session
 * and sends the tracks in batch DownloadTrack calls. Returns the session's cookie; the tracks
 * then travel the pipeline on their own.
 */
export async function startDemoSession(
  client: StoreClient,
  origin: string,
  user: string,
  count: number,
): Promise<string> {
  const catalog = demoCatalog();
  const tracks = Array.from({ length: count }, (_, i) => {
    const t = catalog[i % catalog.length];
    if (!t) throw new Error('the demo catalogue is empty');
    const serviceTrackId = i < catalog.length ? t.serviceTrackId : 10_000 + i;
    return {
      trackUrl: `${origin}/tracks/${t.file}`,
      serviceTrackId,
      downloadParams: `demo-order=${i + 1}`,
      hrDownload: 0,
    };
  });
  for (const t of tracks) {
    const res = await client.putLicense(user, t.serviceTrackId, { licenseId: `demo-${t.serviceTrackId}` });
    if (res.status >= 300) throw new Error(`license failed with HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const session = await client.openSession(user, [
    { id: 'demo-cart', type: 'list', contentIds: tracks.map((t) => t.serviceTrackId) },
  ]);
  if (session.status !== 201)
    throw new Error(`session failed with HTTP ${session.status}: ${JSON.stringify(session.body)}`);
  const cookie = session.body.cookie;
  for (let i = 0; i < tracks.length; i += 100) {
    const res = await client.downloadTracks(cookie, tracks.slice(i, i + 100));
    if (res.status !== 200)
      throw new Error(`DownloadTrack failed with HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return cookie;
}
