import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../core/mapLimit.js';
import { batchLeftovers, leftover, retryLeftovers } from '../core/retry.js';

type Item = Record<string, unknown>;
type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

export interface PartitionErasure {
  /** The items deleted, with the attributes asked for. */
  readonly deleted: Item[];
  /** True when the partition may hold more (the step's budget ran out first). */
  readonly more: boolean;
}

export interface PartitionToErase {
  readonly table: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly value: string;
  /** At most this many items this call. */
  readonly limit: number;
  /** Items whose sort key is this are left (the erasure's own record). */
  readonly keep?: string | undefined;
  /** Attributes read besides the keys (what the caller needs of the deleted items). */
  readonly attributes?: readonly string[];
  /** Told of the items before any is deleted: what must be kept of them is kept first. */
  readonly beforeDelete?: (items: readonly Item[]) => Promise<void>;
}

/**
 * Deletes up to `limit` items of one partition: one strongly consistent Query of their keys,
 * then BatchWriteItem calls of 25, four at once, with the leftovers retried. It takes what is
 * left, not a position, so a call that died part-way is simply made again.
 */
export async function erasePartition(ddb: DynamoDBDocumentClient, p: PartitionToErase): Promise<PartitionErasure> {
  const names: Record<string, string> = { '#pk': p.partitionKey, '#sk': p.sortKey };
  (p.attributes ?? []).forEach((a, i) => {
    names[`#a${i}`] = a;
  });
  const out = await ddb.send(
    new QueryCommand({
      TableName: p.table,
      KeyConditionExpression: '#pk = :v',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ':v': p.value },
      ProjectionExpression: Object.keys(names).join(', '),
      ConsistentRead: true,
      // One more than the budget, so the record kept never hides the last item from the count.
      Limit: p.limit + (p.keep === undefined ? 0 : 1),
    }),
  );
  const items = (out.Items ?? []).filter((i) => i[p.sortKey] !== p.keep).slice(0, p.limit);
  if (items.length > 0) await p.beforeDelete?.(items);
  const chunks: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  await mapLimit(chunks, 4, async (chunk) => {
    const requests: WriteRequests = chunk.map((i) => ({
      DeleteRequest: { Key: { [p.partitionKey]: i[p.partitionKey], [p.sortKey]: i[p.sortKey] } },
    }));
    await retryLeftovers(batchLeftovers, 'BatchWriteItem', requests, async (left) => {
      const res = await ddb.send(new BatchWriteCommand({ RequestItems: { [p.table]: left } }));
      return leftover(res.UnprocessedItems?.[p.table]);
    });
  });
  return { deleted: items, more: out.LastEvaluatedKey !== undefined };
}

/** The distinct `storeId`s of some items: the stores an erasure tells. */
export function storeIdsOf(items: readonly Item[]): string[] {
  return [...new Set(items.flatMap((i) => (typeof i.storeId === 'string' ? [i.storeId] : [])))];
}

/**
 * One erasure step over a table keyed by user (`userId`, `sk`): up to `limit` of the user's
 * items, the stores they name told to `noteStores` before any is deleted; `keep` is left.
 */
export async function eraseUserItems(
  ddb: DynamoDBDocumentClient,
  table: string,
  userId: string,
  limit: number,
  noteStores: (storeIds: string[]) => Promise<void>,
  keep?: string,
): Promise<{ deleted: number; more: boolean }> {
  const out = await erasePartition(ddb, {
    table,
    partitionKey: 'userId',
    sortKey: 'sk',
    value: userId,
    limit,
    keep,
    attributes: ['storeId'],
    beforeDelete: (items) => noteStores(storeIdsOf(items)),
  });
  return { deleted: out.deleted.length, more: out.more };
}
