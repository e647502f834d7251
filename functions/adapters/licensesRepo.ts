import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { leftover, licenseLeftovers, RetriesExhausted, retryLeftovers } from '../core/retry.js';
import type { License } from '../core/storedRecords.js';
import { isConditionFailed } from './isConditionFailed.js';
import { isThrottled } from './isThrottled.js';
import { eraseUserItems } from './partitionEraser.js';

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

export const licenseSk = (storeId: string, serviceTrackId: number): string => `${storeId}#${serviceTrackId}`;

function itemOf(license: License): Record<string, unknown> {
  return {
    ...license,
    sk: licenseSk(license.storeId, license.serviceTrackId),
    // An expired license is removed by DynamoDB TTL a while after it lapses.
    ...(license.expiresAt ? { ttl: Math.floor(Date.parse(license.expiresAt) / 1000) + 86_400 } : {}),
  };
}

/** Predelivered licenses, one item per user, store and track. */
export class LicensesRepo {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /** Writes the license; true when it is new (201), false when it replaced one (200). */
  async put(license: License): Promise<boolean> {
    const out = await this.ddb.send(
      new PutCommand({ TableName: this.table, Item: itemOf(license), ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes === undefined;
  }

  /**
   * Writes many licenses (one user's) in BatchWriteItem calls of 25, retrying what DynamoDB
   * left unprocessed with backoff. Answers the serviceTrackIds still unwritten after the retries.
   * A track given twice keeps its last license (BatchWriteItem refuses repeated keys).
   */
  async putMany(licenses: readonly License[]): Promise<Set<number>> {
    const unique = [...new Map(licenses.map((l) => [licenseSk(l.storeId, l.serviceTrackId), l])).values()];
    const unwritten = new Set<number>();
    const chunks: License[][] = [];
    for (let i = 0; i < unique.length; i += 25) chunks.push(unique.slice(i, i + 25));
    await Promise.all(
      chunks.map(async (chunk) => {
        let pending: WriteRequests = chunk.map((l) => ({ PutRequest: { Item: itemOf(l) } }));
        try {
          await retryLeftovers(licenseLeftovers, 'BatchWriteItem', pending, async (left) => {
            try {
              const out = await this.ddb.send(new BatchWriteCommand({ RequestItems: { [this.table]: left } }));
              pending = out.UnprocessedItems?.[this.table] ?? [];
            } catch (err) {
              // Every item of the call throttled: the same as all of them left unprocessed.
              if (!isThrottled(err)) throw err;
            }
            return leftover(pending);
          });
        } catch (err) {
          if (!(err instanceof RetriesExhausted)) throw err;
          for (const r of pending) unwritten.add(Number(r.PutRequest?.Item?.serviceTrackId));
        }
      }),
    );
    return unwritten;
  }

  /**
   * Deletes up to `limit` of the user's licenses (an erasure's step); the stores they are from
   * are told to `noteStores` before any is deleted.
   */
  async eraseOfUser(
    userId: string,
    limit: number,
    noteStores: (storeIds: string[]) => Promise<void>,
  ): Promise<{ deleted: number; more: boolean }> {
    return eraseUserItems(this.ddb, this.table, userId, limit, noteStores);
  }

  /** Deletes the license; false when there was none. */
  async delete(userId: string, storeId: string, serviceTrackId: number): Promise<boolean> {
    try {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { userId, sk: licenseSk(storeId, serviceTrackId) },
          ConditionExpression: 'attribute_exists(sk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }
}
