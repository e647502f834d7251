import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { License } from '../core/types.js';
import { isConditionFailed } from './isConditionFailed.js';

export const licenseSk = (storeId: string, serviceTrackId: number): string => `${storeId}#${serviceTrackId}`;

/** Predelivered licenses, one item per user, store and track. */
export class LicensesRepo {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /** Writes the license; true when it is new (201), false when it replaced one (200). */
  async put(license: License): Promise<boolean> {
    const out = await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...license,
          sk: licenseSk(license.storeId, license.serviceTrackId),
          // An expired license is removed by DynamoDB TTL a while after it lapses.
          ...(license.expiresAt ? { ttl: Math.floor(Date.parse(license.expiresAt) / 1000) + 86_400 } : {}),
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes === undefined;
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
