import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './isConditionFailed.js';

/**
 * Sets a timestamp attribute of an existing downloads item once; later calls keep the first
 * time. An item that is gone (its retention ended, or its user was erased) is left gone: false.
 */
export async function stampOnce(
  ddb: DynamoDBDocumentClient,
  table: string,
  key: { readonly cookie: string; readonly sk: string },
  attribute: 'notifiedAt' | 'cancelledAt',
): Promise<boolean> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET #a = if_not_exists(#a, :now)',
        ConditionExpression: 'attribute_exists(sk)',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}
