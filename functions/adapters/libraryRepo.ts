import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { ERASURE_SK, isRefusing } from '../core/erasure.js';
import { batchLeftovers, leftover, retryLeftovers } from '../core/retry.js';
import { type LibraryItem, libraryItemOf } from '../core/storedRecords.js';
import { TtlCache } from '../core/ttlCache.js';
import { isConditionFailed } from './isConditionFailed.js';
import { eraseUserItems } from './partitionEraser.js';
import { queryAll } from './queryAll.js';

// Zero-padded so a listing comes back in content-ID order.
/** Where a page of the listener's library ends: the last row's store and content ID. */
export interface LibraryPosition {
  readonly storeId: string;
  readonly serviceTrackId: number;
}

export const librarySk = (storeId: string, serviceTrackId: number): string =>
  `track#${storeId}#${String(serviceTrackId).padStart(10, '0')}`;
const claimSk = (keyIdentity: string): string => `key#${keyIdentity}`;
const folderSk = (folderIdentity: string): string => `folder#${folderIdentity}`;
/** The claims index's key: one user's claims of one track (`owner` is `<storeId>#<serviceTrackId>`). */
const claimOf = (userId: string, owner: string): string => `${userId}#${owner}`;

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];
type KeysAndAttributes = NonNullable<BatchGetCommandInput['RequestItems']>[string];

export interface LibraryPage {
  readonly items: LibraryItem[];
  /** The last content ID of the page, when more may follow. */
  readonly next?: number | undefined;
}

export type ClaimOutcome = 'claimed' | 'taken';

/**
 * The user's library: `track#<store>#<id>` rows, and `key#<key identity>` claims that make an
 * object key belong to exactly one track, so two tracks never write the same file.
 */
export class LibraryRepo {
  /**
   * Folder spellings this container has seen: a spelling, once claimed, never changes, so an
   * album's tracks ask the table once per container.
   */
  private readonly spellings = new TtlCache<string>(10 * 60_000);

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /** Adds the row once; a repeat leaves the first one as it was. */
  async addOnce(item: LibraryItem): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...item, sk: librarySk(item.storeId, item.serviceTrackId) },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /**
   * Writes many rows in BatchWriteItem calls of 25: the completion function's batch costs one
   * request instead of one per track. Plain puts: a row written twice is the same row.
   */
  async putMany(rows: readonly LibraryItem[]): Promise<void> {
    // A batch may hold one track twice (a duplicate message); BatchWriteItem refuses repeated keys.
    const items = [
      ...new Map(rows.map((r) => [`${r.userId}\u0000${librarySk(r.storeId, r.serviceTrackId)}`, r])).values(),
    ];
    for (let i = 0; i < items.length; i += 25) {
      const requests: WriteRequests = items
        .slice(i, i + 25)
        .map((item) => ({ PutRequest: { Item: { ...item, sk: librarySk(item.storeId, item.serviceTrackId) } } }));
      await retryLeftovers(batchLeftovers, 'BatchWriteItem', requests, async (left) => {
        const out = await this.ddb.send(new BatchWriteCommand({ RequestItems: { [this.table]: left } }));
        return leftover(out.UnprocessedItems?.[this.table]);
      });
    }
  }

  /**
   * Rows of many tracks in BatchGetItem calls of 100, and which of their users are being (or
   * were) erased, in the same reads: the completion function's check before it writes.
   */
  async getMany(
    refs: readonly { userId: string; storeId: string; serviceTrackId: number }[],
  ): Promise<{ rows: LibraryItem[]; erasedUsers: Set<string> }> {
    const keys = [
      ...new Map(
        refs.map((r) => [
          `${r.userId}\u0000${librarySk(r.storeId, r.serviceTrackId)}`,
          { userId: r.userId, sk: librarySk(r.storeId, r.serviceTrackId) },
        ]),
      ).values(),
      ...[...new Set(refs.map((r) => r.userId))].map((userId) => ({ userId, sk: ERASURE_SK })),
    ];
    const rows: LibraryItem[] = [];
    const erasedUsers = new Set<string>();
    for (let i = 0; i < keys.length; i += 100) {
      const request: KeysAndAttributes = { Keys: keys.slice(i, i + 100), ConsistentRead: true };
      await retryLeftovers(batchLeftovers, 'BatchGetItem', request, async (left) => {
        const res = await this.ddb.send(new BatchGetCommand({ RequestItems: { [this.table]: left } }));
        for (const item of res.Responses?.[this.table] ?? []) {
          if (item.sk !== ERASURE_SK) rows.push(libraryItemOf(item));
          else if (isRefusing(item)) erasedUsers.add(String(item.userId));
        }
        const again = res.UnprocessedKeys?.[this.table];
        return again?.Keys && again.Keys.length > 0 ? again : undefined;
      });
    }
    return { rows, erasedUsers };
  }

  /**
   * Deletes up to `limit` of the user's rows, claims and folder spellings (an erasure's step),
   * never its erasure record; the stores of the rows are told to `noteStores` first.
   */
  async eraseOfUser(
    userId: string,
    limit: number,
    noteStores: (storeIds: string[]) => Promise<void>,
  ): Promise<{ deleted: number; more: boolean }> {
    return eraseUserItems(this.ddb, this.table, userId, limit, noteStores, ERASURE_SK);
  }

  async get(userId: string, storeId: string, serviceTrackId: number): Promise<LibraryItem | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { userId, sk: librarySk(storeId, serviceTrackId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? libraryItemOf(out.Item) : undefined;
  }

  /**
   * One page of this store's rows, after content ID `after`. `next` is the last content ID of
   * the page when more may follow. The start key is rebuilt from the caller's own user and
   * store, so a position can never reach another store's rows.
   */
  async list(userId: string, storeId: string, limit: number, after?: number): Promise<LibraryPage> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'userId = :u AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':u': userId, ':p': `track#${storeId}#` },
        Limit: limit,
        ExclusiveStartKey: after !== undefined ? { userId, sk: librarySk(storeId, after) } : undefined,
      }),
    );
    return { items: (out.Items ?? []).map(libraryItemOf), next: idOfLibrarySk(out.LastEvaluatedKey?.sk) };
  }

  /**
   * Every store's rows for the user, a page at a time, in (store, content ID) order: the
   * listener's view. `after` is the last row of the previous page; the start key is the
   * caller's own user, so it cannot leave their rows.
   */
  async listAcrossStores(
    userId: string,
    limit: number,
    after?: LibraryPosition,
  ): Promise<{ items: LibraryItem[]; next?: LibraryPosition | undefined }> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'userId = :u AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':u': userId, ':p': 'track#' },
        Limit: limit,
        ExclusiveStartKey:
          after === undefined ? undefined : { userId, sk: librarySk(after.storeId, after.serviceTrackId) },
      }),
    );
    return { items: (out.Items ?? []).map(libraryItemOf), next: positionOfLibrarySk(out.LastEvaluatedKey?.sk) };
  }

  /** Every store's rows for the user, in (store, content ID) order: the operator CLI's view. */
  async listAll(userId: string): Promise<LibraryItem[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'userId = :u AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':u': userId, ':p': 'track#' },
    });
    return items.map(libraryItemOf);
  }

  /**
   * Up to `limit` of this store's content IDs after `after`, in order, projected to the id (a
   * read still costs each row's size in read units: about 1 KB a row, so 10,000 ids ≈ 1,250
   * eventually consistent units). `next` is the last id when more may follow.
   */
  async contentIds(
    userId: string,
    storeId: string,
    limit: number,
    after?: number,
  ): Promise<{ ids: number[]; next?: number | undefined }> {
    const ids: number[] = [];
    let start: Record<string, unknown> | undefined =
      after !== undefined ? { userId, sk: librarySk(storeId, after) } : undefined;
    let next: number | undefined;
    do {
      const out = await this.ddb.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'userId = :u AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':u': userId, ':p': `track#${storeId}#` },
          ProjectionExpression: 'serviceTrackId',
          Limit: limit - ids.length,
          ExclusiveStartKey: start,
        }),
      );
      ids.push(...(out.Items ?? []).map((i) => Number(i.serviceTrackId)));
      start = out.LastEvaluatedKey;
      next = idOfLibrarySk(start?.sk);
    } while (start && ids.length < limit);
    return { ids, next };
  }

  /** Claims an object key for one track; claiming again for the same track succeeds. */
  async claimKey(userId: string, keyIdentity: string, owner: string, key: string): Promise<ClaimOutcome> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            userId,
            sk: claimSk(keyIdentity),
            owner,
            key,
            claimOf: claimOf(userId, owner),
            claimedAt: new Date().toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(sk) OR #o = :o',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':o': owner },
        }),
      );
      return 'claimed';
    } catch (err) {
      if (isConditionFailed(err)) return 'taken';
      throw err;
    }
  }

  /**
   * How the user's Music folder spells a folder (`Artist`, or `Artist/Album`) whose identity
   * (keyIdentity of that path) is `identity`: the spelling the first track filed there claimed,
   * or `spelling` when this is the first. Folders that differ only in case are one folder on
   * Windows and macOS, so every later track is filed under the first spelling. Never released.
   */
  folderSpelling(userId: string, identity: string, spelling: string): Promise<string> {
    return this.spellings.get(`${userId}\u0000${identity}`, async () => {
      const key = { userId, sk: folderSk(identity) };
      const known = await this.ddb.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      const first = known.Item?.spelling;
      if (typeof first === 'string') return first;
      try {
        await this.ddb.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...key, spelling, claimedAt: new Date().toISOString() },
            ConditionExpression: 'attribute_not_exists(sk)',
          }),
        );
        return spelling;
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        // Another track claimed it between the read and the write: its spelling wins.
        const won = await this.ddb.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
        if (typeof won.Item?.spelling !== 'string') throw new Error(`folder claim ${identity} vanished`);
        return won.Item.spelling;
      }
    });
  }

  /**
   * The object keys a track has claimed, from the claims index: only this track's claims are
   * read. Claims are never released: a failed or cancelled track keeps its names, so a late
   * clean-up of its files can never hit another track's file. The index is eventually
   * consistent; the clean-up that reads it runs on a redelivery, long after the claims.
   */
  async keysOwnedBy(userId: string, owner: string): Promise<string[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      IndexName: 'claimsByTrack',
      KeyConditionExpression: 'claimOf = :c',
      ExpressionAttributeNames: { '#k': 'key' },
      ExpressionAttributeValues: { ':c': claimOf(userId, owner) },
      ProjectionExpression: '#k',
    });
    return items.map((i) => String(i.key));
  }
}

/** The store and content ID a `track#<store>#<id>` sort key names. */
function positionOfLibrarySk(sk: unknown): LibraryPosition | undefined {
  const m = typeof sk === 'string' ? /^track#([^#]+)#(\d{10})$/.exec(sk) : null;
  const [, storeId, id] = m ?? [];
  return storeId !== undefined && id !== undefined ? { storeId, serviceTrackId: Number(id) } : undefined;
}

/** The content ID at the end of a `track#<store>#<id>` sort key. */
function idOfLibrarySk(sk: unknown): number | undefined {
  const m = typeof sk === 'string' ? /#(\d{10})$/.exec(sk) : null;
  return m ? Number(m[1]) : undefined;
}
