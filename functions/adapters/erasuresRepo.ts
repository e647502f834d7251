import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ERASURE_SK,
  type ErasurePhase,
  type ErasureRecord,
  type ErasureRemoved,
  erasureRecordSchema,
} from '../core/erasure.js';
import { isConditionFailed } from './isConditionFailed.js';

/** The erasure's item key in the user's library partition. */
export const erasureKey = (userId: string): { userId: string; sk: string } => ({ userId, sk: ERASURE_SK });

/**
 * A user's erasure record, in the library table beside the rows it removes: while it runs it
 * is what every writer of the user's data checks (the API, the worker, the completion
 * function); after it, a tombstone that DynamoDB TTL removes once `refusedUntil` has passed.
 */
export class ErasuresRepo {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async get(userId: string, consistent = true): Promise<ErasureRecord | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: erasureKey(userId), ConsistentRead: consistent }),
    );
    return out.Item ? erasureRecordSchema.parse(out.Item) : undefined;
  }

  /**
   * Writes the record unless the user has one (running, or a tombstone not yet expired); answers
   * the record that stands, and whether it is this one.
   */
  async start(record: ErasureRecord): Promise<{ record: ErasureRecord; started: boolean }> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...record, ...erasureKey(record.userId) },
          // A tombstone DynamoDB has not removed yet, though its time is up, is replaced.
          ConditionExpression: 'attribute_not_exists(sk) OR (#s = :erased AND refusedUntil < :now)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':erased': 'erased', ':now': record.startedAt },
        }),
      );
      return { record, started: true };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const existing = await this.get(record.userId);
      if (!existing) throw new Error(`the erasure of ${record.userId} vanished while it was started`);
      return { record: existing, started: false };
    }
  }

  /**
   * Records a step taken: the erasure moves from step `from` to the next, at `phase`, adding
   * what the step removed. Only the step that finds `from` does it (false for any other: a
   * duplicate, or a step of a chain that lost the race), so one erasure runs as one chain.
   */
  async advance(
    userId: string,
    erasureId: string,
    from: number,
    messageId: string,
    phase: ErasurePhase,
    removed: Partial<ErasureRemoved> = {},
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':phase': phase,
      ':now': new Date().toISOString(),
      ':id': erasureId,
      ':from': from,
      ':next': from + 1,
      ':by': messageId,
      ':erasing': 'erasing',
    };
    const sets = ['phase = :phase', 'updatedAt = :now', 'step = :next', 'advancedBy = :by'];
    const names: Record<string, string> = { '#s': 'state' };
    for (const [k, n] of Object.entries(removed)) {
      if (!n) continue;
      names[`#r_${k}`] = k;
      values[`:r_${k}`] = n;
      sets.push(`removed.#r_${k} = removed.#r_${k} + :r_${k}`);
    }
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: erasureKey(userId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'erasureId = :id AND step = :from AND #s = :erasing',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** Adds stores to be told `UserErased`: before the items that name them are deleted. */
  async addStores(userId: string, erasureId: string, stores: readonly string[]): Promise<void> {
    if (stores.length === 0) return;
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: erasureKey(userId),
        UpdateExpression: 'ADD stores :s',
        ConditionExpression: 'erasureId = :id',
        ExpressionAttributeValues: { ':s': new Set(stores), ':id': erasureId },
      }),
    );
  }

  /** Ends the erasure: a tombstone until `refusedUntil`, when DynamoDB TTL removes it. */
  async finish(userId: string, erasureId: string, refusedUntil: string): Promise<void> {
    const now = new Date().toISOString();
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: erasureKey(userId),
          UpdateExpression:
            'SET #s = :erased, phase = :done, finishedAt = if_not_exists(finishedAt, :now), updatedAt = :now, refusedUntil = :until, #ttl = :ttl',
          ConditionExpression: 'erasureId = :id AND #s = :erasing',
          ExpressionAttributeNames: { '#s': 'state', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':erased': 'erased',
            ':done': 'done',
            ':now': now,
            ':until': refusedUntil,
            ':ttl': Math.floor(Date.parse(refusedUntil) / 1000),
            ':id': erasureId,
            ':erasing': 'erasing',
          },
        }),
      );
    } catch (err) {
      // Finished already (a redelivered last step).
      if (!isConditionFailed(err)) throw err;
    }
  }
}
