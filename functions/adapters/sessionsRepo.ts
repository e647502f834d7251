import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { downloadEventId } from '../core/callbackEvents.js';
import {
  containersSk,
  expiryOf,
  IDEMPOTENCY_SK,
  idempotencyPk,
  positionOfUserSessionSk,
  SESSION_SK,
  STORE_SESSION_SHARDS,
  type StoreSessionPosition,
  shardPk,
  storeSessionShard,
  storeSessionSk,
  storeSessionsPk,
  TRACK_SHARDS,
  type UserSessionPosition,
  userSessionSk,
  userSessionsPk,
} from '../core/downloadsKeys.js';
import { listenerSessionId } from '../core/listenerSessionId.js';
import { batchLeftovers, leftover, retryLeftovers } from '../core/retry.js';
import { type Container, type Session, sessionRecordSchema } from '../core/storedRecords.js';
import { type DeliveryFailure, recordDeliveryFailure } from './deliveryFailures.js';
import { isConditionFailed } from './isConditionFailed.js';
import { erasePartition } from './partitionEraser.js';
import { queryAll } from './queryAll.js';
import { stampOnce } from './stampOnce.js';

/**
 * A container list up to this size (as JSON) stays in the session item; a longer one (the
 * documented maximum, 100 containers × 1,000 content ids, is about 1.2 MB) is split over items
 * of about this size each, far under DynamoDB's 400 KB, so every list the API accepts is stored.
 */
const CONTAINERS_ITEM_BYTES = 64 * 1024;

export interface UserSessionRef {
  readonly cookie: string;
  readonly storeId: string;
  readonly createdAt: string;
}

export interface UserSessionPage {
  readonly sessions: UserSessionRef[];
  readonly next?: UserSessionPosition | undefined;
}

type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

/** A long container list's parts, as stored. */
const containerPartSchema = sessionRecordSchema.shape.containers;

/**
 * Sessions in the downloads table: the session item, its long container list in parts, its
 * entry in the user's list of sessions, and the store's Idempotency-Keys that opened it.
 */
export class SessionsRepo {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionSeconds: number,
  ) {}

  /**
   * Creates the session; false when it exists already (a retried request). A long container
   * list is written first, in parts, so a session item never points at parts not there.
   */
  async create(session: Session): Promise<boolean> {
    const chunks = chunkContainers(session.containers);
    const expiresAt = expiryOf(session.createdAt, this.retentionSeconds);
    if (chunks.length > 1) {
      for (const [i, containers] of chunks.entries()) {
        await this.ddb.send(
          new PutCommand({
            TableName: this.table,
            Item: { cookie: session.cookie, sk: containersSk(i), containers, expiresAt },
          }),
        );
      }
    }
    const item = chunks.length > 1 ? { ...session, containers: [], containerChunks: chunks.length } : session;
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          // The event id, for the event log's redelivery (the eventsById index).
          Item: { ...item, sk: SESSION_SK, expiresAt, eventId: downloadEventId(session.cookie) },
          ConditionExpression: 'attribute_not_exists(cookie)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /**
   * Adds the session to its user's list (newest first, for the listener's view) and to its
   * store's (oldest first, for the store's event log): one BatchWriteItem of two small items
   * per session, never per track, and both expire with the session. Plain puts: a retried
   * request writes the same items again.
   */
  async index(session: Session): Promise<void> {
    const ref: UserSessionRef = { cookie: session.cookie, storeId: session.storeId, createdAt: session.createdAt };
    const expiresAt = expiryOf(session.createdAt, this.retentionSeconds);
    const requests: WriteRequests = [
      {
        PutRequest: {
          Item: { ...ref, ...userSessionKey(session.userId, ref), sessionCookie: session.cookie, expiresAt },
        },
      },
      {
        PutRequest: {
          Item: {
            ...storeSessionKey(ref),
            sessionCookie: session.cookie,
            createdAt: session.createdAt,
            expiresAt,
          },
        },
      },
    ];
    await retryLeftovers(batchLeftovers, 'BatchWriteItem', requests, async (left) => {
      const out = await this.ddb.send(new BatchWriteCommand({ RequestItems: { [this.table]: left } }));
      return leftover(out.UnprocessedItems?.[this.table]);
    });
  }

  /**
   * The store's sessions opened after `since`, oldest first, `limit` at a time after `after`:
   * one query per partition of the list, merged by time. `next` is where the following page
   * starts, when there may be more. Both bounds are a key condition, never a start key, so a
   * position older than `since` (a cursor kept past the window) just starts at `since`.
   */
  async ofStore(
    storeId: string,
    since: string,
    limit: number,
    after?: StoreSessionPosition,
  ): Promise<{ sessions: StoreSessionPosition[]; next?: StoreSessionPosition | undefined }> {
    const lower = storeSessionSk(since, '');
    const from = after === undefined ? lower : [lower, storeSessionSk(after.createdAt, after.cookie)].sort()[1];
    const shards = await Promise.all(
      Array.from({ length: STORE_SESSION_SHARDS }, (_, shard) =>
        this.ddb.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'cookie = :s AND sk > :from',
            ExpressionAttributeValues: { ':s': storeSessionsPk(storeId, shard), ':from': from },
            Limit: limit,
          }),
        ),
      ),
    );
    const merged = shards
      .flatMap((out) => out.Items ?? [])
      .map((i) => ({ sk: String(i.sk), cookie: String(i.sessionCookie), createdAt: String(i.createdAt) }))
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0));
    const more = merged.length > limit || shards.some((out) => out.LastEvaluatedKey !== undefined);
    const sessions = merged.slice(0, limit).map(({ cookie, createdAt }) => ({ cookie, createdAt }));
    const last = sessions.at(-1);
    return { sessions, next: more && last ? last : undefined };
  }

  /** Counts a failed delivery of the session's `Download` event (deliveryFailures.ts). */
  async recordDeliveryFailure(cookie: string, failure: DeliveryFailure): Promise<void> {
    await recordDeliveryFailure(this.ddb, this.table, { cookie, sk: SESSION_SK }, failure);
  }

  /** The user's sessions, newest first, a page at a time. */
  async ofUser(userId: string, limit: number, after?: UserSessionPosition): Promise<UserSessionPage> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'cookie = :u AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':u': userSessionsPk(userId), ':s': 'session#' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey:
          after === undefined
            ? undefined
            : { cookie: userSessionsPk(userId), sk: userSessionSk(after.createdAt, after.id) },
      }),
    );
    return {
      sessions: (out.Items ?? []).map((i) => ({
        cookie: String(i.sessionCookie),
        storeId: String(i.storeId),
        createdAt: String(i.createdAt),
      })),
      next: positionOfUserSessionSk(out.LastEvaluatedKey?.sk),
    };
  }

  /**
   * Ties a store's Idempotency-Key to the session it opened, for a day: the first caller's
   * cookie and request fingerprint, or those of whoever claimed the key before.
   */
  async claimIdempotencyKey(
    storeId: string,
    keyHash: string,
    cookie: string,
    fingerprint: string,
  ): Promise<{ cookie: string; fingerprint: string }> {
    const item = {
      cookie: idempotencyPk(storeId, keyHash),
      sk: IDEMPOTENCY_SK,
      sessionCookie: cookie,
      fingerprint,
      expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    };
    try {
      await this.ddb.send(
        new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(cookie)' }),
      );
      return { cookie, fingerprint };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const out = await this.ddb.send(
        new GetCommand({
          TableName: this.table,
          Key: { cookie: item.cookie, sk: IDEMPOTENCY_SK },
          ConsistentRead: true,
        }),
      );
      return { cookie: String(out.Item?.sessionCookie), fingerprint: String(out.Item?.fingerprint) };
    }
  }

  /** The session; a long container list (`containerChunks`) is not in it: see containersOf. */
  async get(cookie: string): Promise<Session | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { cookie, sk: SESSION_SK }, ConsistentRead: true }),
    );
    return out.Item ? sessionRecordSchema.parse(out.Item) : undefined;
  }

  /** The session's whole container list, from its parts when it was split. */
  async containersOf(session: Session): Promise<readonly Container[]> {
    if (!session.containerChunks) return session.containers;
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'cookie = :c AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':c': session.cookie, ':p': 'containers#' },
      ConsistentRead: true,
    });
    return items
      .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
      .flatMap((i) => containerPartSchema.parse(i.containers));
  }

  /**
   * Deletes up to `budget` items of one of the user's sessions (an erasure's step): its tracks
   * shard by shard, then the session, its container parts and counts; once none is left, its
   * entries in the store's and the user's lists, the user's last, so a step that dies finds the
   * session again. Answers the items deleted and whether the session is gone.
   */
  async eraseOfUser(userId: string, ref: UserSessionRef, budget: number): Promise<{ deleted: number; gone: boolean }> {
    // The tracks first: once they are gone nothing moves the counts again (a late write would
    // bring the counts item back), and the session's own partition goes last.
    const partitions = [...Array.from({ length: TRACK_SHARDS }, (_, i) => shardPk(ref.cookie, i)), ref.cookie];
    let deleted = 0;
    for (const value of partitions) {
      if (deleted >= budget) return { deleted, gone: false };
      const out = await erasePartition(this.ddb, {
        table: this.table,
        partitionKey: 'cookie',
        sortKey: 'sk',
        value,
        limit: budget - deleted,
      });
      deleted += out.deleted.length;
      if (out.more) return { deleted, gone: false };
    }
    for (const Key of [storeSessionKey(ref), userSessionKey(userId, ref)])
      await this.ddb.send(new DeleteCommand({ TableName: this.table, Key }));
    return { deleted: deleted + 2, gone: true };
  }

  /** Marks the session cancelled: DownloadTrack refuses new tracks (the counts item carries the workers' mark). */
  async markCancelled(cookie: string): Promise<void> {
    await stampOnce(this.ddb, this.table, { cookie, sk: SESSION_SK }, 'cancelledAt');
  }

  /** Marks the session as announced to the store (its `Download` event was acknowledged). */
  async markNotified(cookie: string): Promise<void> {
    await stampOnce(this.ddb, this.table, { cookie, sk: SESSION_SK }, 'notifiedAt');
  }
}

/** The store's list entry of a session. */
function storeSessionKey(ref: UserSessionRef): { cookie: string; sk: string } {
  return {
    cookie: storeSessionsPk(ref.storeId, storeSessionShard(ref.cookie)),
    sk: storeSessionSk(ref.createdAt, ref.cookie),
  };
}

/** The user's list entry of a session. */
function userSessionKey(userId: string, ref: UserSessionRef): { cookie: string; sk: string } {
  return { cookie: userSessionsPk(userId), sk: userSessionSk(ref.createdAt, listenerSessionId(ref.cookie)) };
}

/** Containers in runs of about CONTAINERS_ITEM_BYTES of JSON each; one run when the list is short. */
function chunkContainers(containers: readonly Container[]): Container[][] {
  let current: Container[] = [];
  const chunks: Container[][] = [current];
  let size = 0;
  for (const c of containers) {
    const bytes = Buffer.byteLength(JSON.stringify(c), 'utf8');
    if (size + bytes > CONTAINERS_ITEM_BYTES && current.length > 0) {
      current = [];
      chunks.push(current);
      size = 0;
    }
    current.push(c);
    size += bytes;
  }
  return chunks;
}
