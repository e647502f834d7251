import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LibraryItem } from '../core/types.js';
import { isConditionFailed } from './isConditionFailed.js';
import { queryAll } from './queryAll.js';

// Zero-padded so a listing comes back in content-ID order.
export const librarySk = (storeId: string, serviceTrackId: number): string => `track#${storeId}#${String(serviceTrackId).padStart(10, "0")}`;
const claimSk = (keyIdentity: string): string => `key#${keyIdentity}`;

export interface LibraryPage {
  readonly items: LibraryItem[];
  readonly next?: string | undefined;
}

export type ClaimOutcome = 'claimed' | 'taken';

/**
 * The user's library: `track#<store>#<id>` rows, and `key#<key identity>` claims that make an
 * object key belong to exactly one track, so two tracks never write the same file.
 */
export class LibraryRepo {
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
    const items = [...new Map(rows.map((r) => [`${r.userId}\u0000${librarySk(r.storeId, r.serviceTrackId)}`, r])).values()];
    for (let i = 0; i < items.length; i += 25) {
      let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = items
        .slice(i, i + 25)
        .map((item) => ({ PutRequest: { Item: { ...item, sk: librarySk(item.storeId, item.serviceTrackId) } } }));
      for (let attempt = 0; requests && requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error('BatchWriteItem left items unprocessed after 8 retries');
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        const out = await this.ddb.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = out.UnprocessedItems?.[this.table] as typeof requests;
      }
    }
  }

  /** Rows of many tracks in BatchGetItem calls of 100: the completion function's check before it writes. */
  async getMany(refs: readonly { userId: string; storeId: string; serviceTrackId: number }[]): Promise<LibraryItem[]> {
    const keys = [...new Map(refs.map((r) => [`${r.userId}\u0000${librarySk(r.storeId, r.serviceTrackId)}`, { userId: r.userId, sk: librarySk(r.storeId, r.serviceTrackId) }])).values()];
    const out: LibraryItem[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let request: { Keys: Record<string, unknown>[]; ConsistentRead: boolean } | undefined = { Keys: keys.slice(i, i + 100), ConsistentRead: true };
      for (let attempt = 0; request && request.Keys.length > 0; attempt++) {
        if (attempt > 8) throw new Error('BatchGetItem left keys unprocessed after 8 retries');
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        const res = await this.ddb.send(new BatchGetCommand({ RequestItems: { [this.table]: request } }));
        out.push(...(res.Responses?.[this.table] ?? []).map(toItem));
        request = res.UnprocessedKeys?.[this.table] as typeof request;
      }
    }
    return out;
  }

  async get(userId: string, storeId: string, serviceTrackId: number): Promise<LibraryItem | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { userId, sk: librarySk(storeId, serviceTrackId) }, ConsistentRead: true }),
    );
    return out.Item ? toItem(out.Item) : undefined;
  }

  async list(userId: string, storeId: string, limit: number, next?: string): Promise<LibraryPage> {
    return this.page(userId, `track#${storeId}#`, limit, next);
  }

  /** Every store's rows for the user, a page at a time, in (store, content ID) order: the listener's view. */
  async listAcrossStores(userId: string, limit: number, next?: string): Promise<LibraryPage> {
    return this.page(userId, 'track#', limit, next);
  }

  private async page(userId: string, prefix: string, limit: number, next?: string): Promise<LibraryPage> {
    const start = next ? decodeCursor(next) : undefined;
    if (start !== undefined && !start.startsWith(prefix)) throw new RangeError('bad cursor');
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'userId = :u AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':u': userId, ':p': prefix },
        Limit: limit,
        ExclusiveStartKey: start === undefined ? undefined : { userId, sk: start },
      }),
    );
    const last = out.LastEvaluatedKey?.sk;
    return { items: (out.Items ?? []).map(toItem), next: typeof last === 'string' ? encodeCursor(last) : undefined };
  }

  /** Every store's rows for the user, in (store, content ID) order: the operator CLI's view. */
  async listAll(userId: string): Promise<LibraryItem[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'userId = :u AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':u': userId, ':p': 'track#' },
    });
    return items.map(toItem);
  }

  async contentIds(userId: string, storeId: string): Promise<number[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'userId = :u AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':u': userId, ':p': `track#${storeId}#` },
      ProjectionExpression: 'serviceTrackId',
    });
    return items.map((i) => Number(i.serviceTrackId)).sort((a, b) => a - b);
  }

  /** Claims an object key for one track; claiming again for the same track succeeds. */
  async claimKey(userId: string, keyIdentity: string, owner: string, key: string): Promise<ClaimOutcome> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { userId, sk: claimSk(keyIdentity), owner, key, claimedAt: new Date().toISOString() },
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
   * The object keys a track has claimed. Claims are never released: a failed or cancelled track
   * keeps its names, so a late clean-up of its files can never hit another track's file.
   */
  async keysOwnedBy(userId: string, owner: string): Promise<string[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'userId = :u AND begins_with(sk, :k)',
      FilterExpression: '#o = :o',
      ExpressionAttributeNames: { '#o': 'owner', '#k': 'key' },
      ExpressionAttributeValues: { ':u': userId, ':k': 'key#', ':o': owner },
      ProjectionExpression: '#k',
    });
    return items.map((i) => String(i.key));
  }

}

export function toItem(item: Record<string, unknown>): LibraryItem {
  const { sk: _sk, ...rest } = item;
  return rest as unknown as LibraryItem;
}

const encodeCursor = (sk: string): string => Buffer.from(sk, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!sk.startsWith('track#')) throw new RangeError('bad cursor');
  return sk;
}
