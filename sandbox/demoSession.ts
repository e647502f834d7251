import type { StoreClient } from '../packages/store-client/src/index.js';
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
  const licenses = await client.putLicenseBatch(
    user,
    tracks.map((t) => ({ serviceTrackId: t.serviceTrackId, licenseId: `demo-${t.serviceTrackId}` })),
  );
  const unlicensed = licenses.filter((r) => 'error' in r);
  if (unlicensed.length > 0) throw new Error(`licenses refused: ${JSON.stringify(unlicensed)}`);
  const { cookie } = await client.openSession({
    userId: user,
    containers: [{ id: 'demo-cart', type: 'list', contentIds: tracks.map((t) => t.serviceTrackId) }],
  });
  const refused = (await client.downloadTrackBatch(cookie, tracks)).filter((r) => 'error' in r);
  if (refused.length > 0) throw new Error(`DownloadTrack refused: ${JSON.stringify(refused)}`);
  return cookie;
}
