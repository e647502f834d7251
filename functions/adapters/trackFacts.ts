import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { License, LibraryItem } from '../core/types.js';
import { licenseSk } from './licensesRepo.js';
import { librarySk, toItem } from './libraryRepo.js';

export interface TrackRef {
  readonly userId: string;
  readonly storeId: string;
  readonly serviceTrackId: number;
}

export interface TrackFacts {
  readonly licenses: Map<string, License>;
  readonly library: Map<string, LibraryItem>;
}

export const factKey = (t: TrackRef): string => `${t.userId}\u0000${t.storeId}\u0000${t.serviceTrackId}`;

/**
 * What the worker must know before copying a batch: each track's license and whether it is in
 * the library already. One BatchGetItem for the whole batch, both tables at once.
 */
export async function fetchTrackFacts(
  ddb: DynamoDBDocumentClient,
  tables: { licenses: string; library: string },
  refs: readonly TrackRef[],
): Promise<TrackFacts> {
  const licenses = new Map<string, License>();
  const library = new Map<string, LibraryItem>();
  const unique = [...new Map(refs.map((r) => [factKey(r), r])).values()];
  // BatchGetItem takes 100 keys; each track asks for two.
  for (let i = 0; i < unique.length; i += 50) {
    const chunk = unique.slice(i, i + 50);
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [tables.licenses]: { Keys: chunk.map((r) => ({ userId: r.userId, sk: licenseSk(r.storeId, r.serviceTrackId) })), ConsistentRead: true },
      [tables.library]: { Keys: chunk.map((r) => ({ userId: r.userId, sk: librarySk(r.storeId, r.serviceTrackId) })), ConsistentRead: true },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      if (attempt > 8) throw new Error('BatchGetItem left keys unprocessed after 8 retries');
      const out = await ddb.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[tables.licenses] ?? []) {
        const l = item as unknown as License;
        licenses.set(factKey(l), l);
      }
      for (const item of out.Responses?.[tables.library] ?? []) {
        const l = toItem(item);
        library.set(factKey(l), l);
      }
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return { licenses, library };
}
