import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from './isConditionFailed.js';

/** One failed delivery of a callback: when, and the store's answer (its status, or the error). */
export interface DeliveryFailure {
  readonly at: string;
  readonly status?: number | undefined;
  readonly error?: string | undefined;
}

/**
 * Counts a failed delivery on the session or track item that holds the event, and keeps its
 * answer: one UpdateItem per failed attempt, and none for a delivery that succeeds. An item
 * gone (its retention ended) is left gone.
 */
export async function recordDeliveryFailure(
  ddb: DynamoDBDocumentClient,
  table: string,
  key: { readonly cookie: string; readonly sk: string },
  failure: DeliveryFailure,
): Promise<void> {
  const last = {
    at: failure.at,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    // A receiver's error text is kept short: it is shown, never parsed.
    ...(failure.error !== undefined ? { error: failure.error.slice(0, 500) } : {}),
  };
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'ADD deliveryFailures :one SET lastDelivery = :last',
        ConditionExpression: 'attribute_exists(sk)',
        ExpressionAttributeValues: { ':one': 1, ':last': last },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}
