import { BatchGetCommand, type BatchGetCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { COUNTS_SK, trackPk, trackSk } from '../core/downloadsKeys.js';
import { ERASURE_SK, isRefusing } from '../core/erasure.js';
import { batchLeftovers, retryLeftovers } from '../core/retry.js';
import {
  type LibraryItem,
  type License,
  libraryItemOf,
  licenseRecordSchema,
  type Track,
} from '../core/storedRecords.js';
import { erasureKey } from './erasuresRepo.js';
import { librarySk } from './libraryRepo.js';
import { licenseSk } from './licensesRepo.js';
import { toTrack } from './tracksRepo.js';

export interface TrackRef {
  readonly userId: string;
  readonly storeId: string;
  readonly serviceTrackId: number;
  /** When given, the track's own record is read too. */
  readonly cookie?: string | undefined;
}

export interface TrackFacts {
  readonly licenses: Map<string, License>;
  readonly library: Map<string, LibraryItem>;
  /** The tracks themselves, by cookie and serviceTrackId (see trackRefKey). */
  readonly tracks: Map<string, Track>;
  /** Cookies of the batch whose session was cancelled: their queued tracks are not fetched. */
  readonly cancelledSessions: Set<string>;
  /** Users of the batch being (or lately) erased: their tracks are not fetched either. */
  readonly erasedUsers: Set<string>;
}

export const trackRefKey = (t: { cookie: string; serviceTrackId: number }): string =>
  `${t.cookie}\u0000${t.serviceTrackId}`;

export const factKey = (t: TrackRef): string => `${t.userId}\u0000${t.storeId}\u0000${t.serviceTrackId}`;

/**
 * What the worker must know before copying a batch: each track's license, whether it is in
 * the library already, and where the track stands (a duplicate or cancelled one is not copied).
 * One BatchGetItem for the whole batch, three tables at once.
 */
export async function fetchTrackFacts(
  ddb: DynamoDBDocumentClient,
  tables: { licenses: string; library: string; downloads: string },
  refs: readonly TrackRef[],
): Promise<TrackFacts> {
  const licenses = new Map<string, License>();
  const library = new Map<string, LibraryItem>();
  const tracks = new Map<string, Track>();
  const cancelledSessions = new Set<string>();
  const erasedUsers = new Set<string>();
  const unique = [...new Map(refs.map((r) => [`${factKey(r)}\u0000${r.cookie ?? ''}`, r])).values()];
  // BatchGetItem takes 100 keys; each track asks for up to five (three, its session's counts and its user's erasure).
  for (let i = 0; i < unique.length; i += 20) {
    const chunk = unique.slice(i, i + 20);
    const cookies = [...new Set(chunk.flatMap((r) => (r.cookie ? [r.cookie] : [])))];
    // Each track's own item, and its session's small counts item (the cancel mark), not the session item.
    const trackKeys = [
      ...chunk.flatMap((r) =>
        r.cookie ? [{ cookie: trackPk(r.cookie, r.serviceTrackId), sk: trackSk(r.serviceTrackId) }] : [],
      ),
      ...cookies.map((cookie) => ({ cookie, sk: COUNTS_SK })),
    ];
    const request: NonNullable<BatchGetCommandInput['RequestItems']> = {
      [tables.licenses]: {
        Keys: dedupe(chunk.map((r) => ({ userId: r.userId, sk: licenseSk(r.storeId, r.serviceTrackId) }))),
        ConsistentRead: true,
      },
      [tables.library]: {
        Keys: dedupe([
          ...chunk.map((r) => ({ userId: r.userId, sk: librarySk(r.storeId, r.serviceTrackId) })),
          // The user's erasure record, if any, in the same read.
          ...chunk.map((r) => erasureKey(r.userId)),
        ]),
        ConsistentRead: true,
      },
      ...(trackKeys.length ? { [tables.downloads]: { Keys: dedupe(trackKeys), ConsistentRead: true } } : {}),
    };
    await retryLeftovers(batchLeftovers, 'BatchGetItem', request, async (left) => {
      const out = await ddb.send(new BatchGetCommand({ RequestItems: left }));
      for (const item of out.Responses?.[tables.licenses] ?? []) {
        const l = licenseRecordSchema.parse(item);
        licenses.set(factKey(l), l);
      }
      for (const item of out.Responses?.[tables.library] ?? []) {
        if (item.sk === ERASURE_SK) {
          if (isRefusing(item)) erasedUsers.add(String(item.userId));
          continue;
        }
        const l = libraryItemOf(item);
        library.set(factKey(l), l);
      }
      for (const item of out.Responses?.[tables.downloads] ?? []) {
        if (item.sk === COUNTS_SK) {
          if (typeof item.cancelledAt === 'string') cancelledSessions.add(String(item.cookie));
          continue;
        }
        const t = toTrack(item);
        tracks.set(trackRefKey(t), t);
      }
      const again = out.UnprocessedKeys;
      return again && Object.keys(again).length > 0 ? again : undefined;
    });
  }
  return { licenses, library, tracks, cancelledSessions, erasedUsers };
}

function dedupe<T>(keys: T[]): T[] {
  return [...new Map(keys.map((k) => [JSON.stringify(k), k])).values()];
}
