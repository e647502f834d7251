import type { Cover } from '../../adapters/tagReader.js';
import { coverKeyFor } from '../../core/keyLayout.js';
import type { WorkerDeps } from '../deps.js';

/**
 * Puts a track's embedded cover in its album folder as `Folder.jpg` or `Folder.png`, the file
 * Windows Media Player keeps there, once per folder: the first track with art writes it, the
 * others find it there. Returns its key, for the track's library item.
 */
export async function placeCover(deps: WorkerDeps, trackKey: string, cover: Cover): Promise<string> {
  const key = coverKeyFor(trackKey, cover.mimeType);
  await deps.media.putOnce(key, cover.data, cover.mimeType);
  return key;
}
