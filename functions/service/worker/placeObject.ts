import { collisionSuffix, MAX_NAME_ATTEMPTS } from '../../core/collisionSuffix.js';
import { TrackFailure } from '../../core/errors.js';
import { HR } from '../../core/hresult.js';
import { keyIdentity, type MusicFolders, musicFolders, trackKey } from '../../core/keyLayout.js';
import type { TrackTags } from '../../core/trackTags.js';
import type { WorkerDeps } from '../deps.js';

export interface Placement {
  readonly userId: string;
  readonly serviceTrackId: number;
  /** Who holds the key: `<storeId>#<serviceTrackId>`. */
  readonly owner: string;
  readonly tags: TrackTags;
  readonly ext: string;
}

/**
 * Finds the track's object key and claims it: the plain `{NN Title}.{ext}`, or `… (2)`, `… (3)`,
 * then a hashed suffix (see collisionSuffix) when other tracks already hold the name (compared
 * case-insensitively, as the folder may sync to Windows). A redelivered message claims the same
 * key again, so it never makes a second file.
 */
export async function claimObjectKey(deps: WorkerDeps, p: Placement): Promise<string> {
  const folders = await spelledFolders(deps, p.userId, musicFolders(p.tags));
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
    const key = trackKey({
      userId: p.userId,
      serviceTrackId: p.serviceTrackId,
      tags: p.tags,
      ext: p.ext,
      suffix: collisionSuffix(attempt, p.owner),
      folders,
    });
    if ((await deps.library.claimKey(p.userId, keyIdentity(key), p.owner, key)) === 'claimed') return key;
  }
  // Only a name crafted to collide with this track's hashed ones gets here: end the track.
  throw new TrackFailure(HR.E_FAIL, `no free name for this track after ${MAX_NAME_ATTEMPTS} tries`);
}

/**
 * The track's folders as the user's Music folder spells them: `CASE/DUP` files into an existing
 * `Case/Dup`, as a case-insensitive disk would. The artist folder first, then the album folder
 * inside the artist folder's spelling.
 */
async function spelledFolders(deps: WorkerDeps, userId: string, own: MusicFolders): Promise<MusicFolders> {
  const artist = await deps.library.folderSpelling(userId, keyIdentity(own.artist), own.artist);
  const path = await deps.library.folderSpelling(
    userId,
    keyIdentity(`${artist}/${own.album}`),
    `${artist}/${own.album}`,
  );
  return { artist, album: path.slice(artist.length + 1) };
}

/**
 * Removes the files a failed or cancelled track left behind: the one this delivery copied and,
 * when an earlier attempt may have copied one too, every key the track ever claimed. The
 * claims themselves stay, so no other track can have taken those names meanwhile. A key the
 * user's library holds for this track (an earlier download of it) is never removed.
 */
export async function removeFilesOf(
  deps: WorkerDeps,
  p: { userId: string; storeId: string; serviceTrackId: number },
  copiedKey: string | undefined,
  earlierAttempts: boolean,
): Promise<void> {
  const keys = new Set(copiedKey ? [copiedKey] : []);
  if (earlierAttempts)
    for (const k of await deps.library.keysOwnedBy(p.userId, `${p.storeId}#${p.serviceTrackId}`)) keys.add(k);
  if (keys.size === 0) return;
  const kept = (await deps.library.get(p.userId, p.storeId, p.serviceTrackId))?.key;
  for (const key of keys) if (key !== kept) await deps.media.delete(key);
}

/**
 * After a re-download under a new name: removes every file the track claimed except `keep` (the
 * new copy) and whatever the library row names, so the old copy goes only once the row points
 * at the new one. Safe to repeat.
 */
export async function removeReplacedFiles(
  deps: WorkerDeps,
  p: { userId: string; storeId: string; serviceTrackId: number },
  keep: string,
): Promise<void> {
  const owned = await deps.library.keysOwnedBy(p.userId, `${p.storeId}#${p.serviceTrackId}`);
  if (owned.length <= 1) return;
  const recorded = (await deps.library.get(p.userId, p.storeId, p.serviceTrackId))?.key;
  for (const key of owned) if (key !== keep && key !== recorded) await deps.media.delete(key);
}
