import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { COUNTS_SK, expiryOf } from '../core/downloadsKeys.js';
import { type SessionCounts, sessionCountsOf } from '../core/sessionCounts.js';
import { allStates, type StateCounts } from '../core/trackState.js';
import { isConditionFailed } from './isConditionFailed.js';

/**
 * A session's counts item in the downloads table: its tallies by state, adjusted once per batch
 * of state changes, and the cancel mark workers read with each batch.
 */
export class CountsRepo {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionSeconds: number,
  ) {}

  /** The session's counts and cancel mark: one small item, whatever the session's size. */
  async get(cookie: string, consistent = false): Promise<SessionCounts> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { cookie, sk: COUNTS_SK }, ConsistentRead: consistent }),
    );
    return sessionCountsOf(out.Item);
  }

  /**
   * Adds a batch's state changes to the session's counts in one UpdateItem (ADD), so counting
   * costs one write per batch and session, not one per track. Only the writer whose conditional
   * write moved a track counts it, so a redelivered message never counts twice; a process that
   * dies between its state writes and this call leaves the counts short by that batch, until a
   * recount (claimRecount, TracksRepo.countByState, verify) puts them right.
   */
  async adjust(cookie: string, delta: Partial<StateCounts>): Promise<void> {
    const entries = allStates.filter((s) => (delta[s] ?? 0) !== 0);
    if (entries.length === 0) return;
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { cookie, sk: COUNTS_SK },
        UpdateExpression: `SET expiresAt = if_not_exists(expiresAt, :e), movedAt = :now ADD moves :one, ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map((s, i) => [`#c${i}`, s])),
        ExpressionAttributeValues: {
          ':e': expiryOf(new Date().toISOString(), this.retentionSeconds),
          ':now': new Date().toISOString(),
          ':one': 1,
          ...Object.fromEntries(entries.map((s, i) => [`:c${i}`, delta[s]])),
        },
      }),
    );
  }

  /**
   * Claims the session's next recount: true for one caller, and only while its counts have not
   * moved since `before` and no recount was claimed since then either.
   */
  async claimRecount(cookie: string, before: string): Promise<boolean> {
    const now = new Date().toISOString();
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { cookie, sk: COUNTS_SK },
          UpdateExpression: 'SET recountAt = :now',
          // Never on a counts item TTL removed: a recount must not bring an expired session back.
          ConditionExpression:
            'attribute_exists(sk) AND (attribute_not_exists(movedAt) OR movedAt < :before) AND (attribute_not_exists(recountAt) OR recountAt < :before)',
          ExpressionAttributeValues: { ':now': now, ':before': before },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /**
   * Notes that a walk found the counts right at `moves` (so pending tracks alone ask for no
   * recount until they move), setting them to the walk's `counts` when given; nothing when a
   * count write came since `moves` was read. True when written.
   */
  async verify(cookie: string, moves: number, counts?: StateCounts): Promise<boolean> {
    const sets = counts ? allStates.map((_, i) => `#c${i} = :c${i}`).concat('recountedAt = :now') : [];
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { cookie, sk: COUNTS_SK },
          UpdateExpression: `SET ${[...sets, 'verifiedMoves = :m'].join(', ')}`,
          ConditionExpression:
            moves === 0 ? 'attribute_exists(sk) AND (attribute_not_exists(moves) OR moves = :m)' : 'moves = :m',
          ...(counts ? { ExpressionAttributeNames: Object.fromEntries(allStates.map((st, i) => [`#c${i}`, st])) } : {}),
          ExpressionAttributeValues: {
            ':m': moves,
            ...(counts
              ? {
                  ':now': new Date().toISOString(),
                  ...Object.fromEntries(allStates.map((st, i) => [`:c${i}`, counts[st]])),
                }
              : {}),
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /**
   * Marks the counts item cancelled (workers read it with each batch and skip the session's
   * queued tracks). Answers the counts as they stood, with the first cancel's time.
   */
  async markCancelled(cookie: string): Promise<SessionCounts> {
    const out = await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { cookie, sk: COUNTS_SK },
        UpdateExpression:
          'SET cancelledAt = if_not_exists(cancelledAt, :now), expiresAt = if_not_exists(expiresAt, :e)',
        ExpressionAttributeValues: {
          ':now': new Date().toISOString(),
          ':e': expiryOf(new Date().toISOString(), this.retentionSeconds),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return sessionCountsOf(out.Attributes);
  }
}
