import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { cookieOfTrackPk, idOfTrackSk, SESSION_SK } from '../core/downloadsKeys.js';

/** Where an event's record is: a session (its `Download` event) or one of its tracks. */
export type EventRecordRef =
  | { readonly kind: 'session'; readonly storeId: string; readonly cookie: string }
  | { readonly kind: 'track'; readonly storeId: string; readonly cookie: string; readonly serviceTrackId: number };

/** The downloads table's `eventsById` index: from a store's event id to the record it is rebuilt from. */
export class EventsRepo {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly index: string,
  ) {}

  async find(eventId: string): Promise<EventRecordRef | undefined> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: this.index,
        KeyConditionExpression: 'eventId = :e',
        ExpressionAttributeValues: { ':e': eventId },
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    if (!item) return undefined;
    const storeId = String(item.storeId);
    const pk = String(item.cookie);
    if (item.sk === SESSION_SK) return { kind: 'session', storeId, cookie: pk };
    const serviceTrackId = idOfTrackSk(item.sk);
    return serviceTrackId === undefined
      ? undefined
      : { kind: 'track', storeId, cookie: cookieOfTrackPk(pk), serviceTrackId };
  }
}
