import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { hresult } from '../core/hresult.js';
import { listenerSessionId } from '../core/listenerSessionId.js';
import {
  type Container,
  type Session,
  type StoredItem,
  sessionRecordSchema,
  type Track,
  trackRecordSchema,
} from '../core/storedRecords.js';
import { allStates, countStates, sourcesOf, type TrackState } from '../core/trackState.js';
import { isConditionFailed } from './isConditionFailed.js';
import { queryAll } from './queryAll.js';

const SESSION_SK = 'session';
const COUNTS_SK = 'counts';
const containersSk = (i: number): string => `containers#${String(i).padStart(4, '0')}`;
/**
 * A container list up to this size (as JSON) stays in the session item; a longer one (the
 * documented maximum, 100 containers × 1,000 content ids, is about 1.2 MB) is split over items
 * of about this size each, far under DynamoDB's 400 KB, so every list the API accepts is stored.
 */
const CONTAINERS_ITEM_BYTES = 64 * 1024;
/** A user's list of sessions lives in its own partition; `#` never appears in a cookie, so it cannot clash with one. */
const userSessionsPk = (userId: string): string => `user#${userId}`;
// Ordered by creation; the digest, not the cookie, keeps entries apart, so a page's end can be
// handed to the listener as a cursor without handing over the store's cookie.
const userSessionSk = (createdAt: string, id: string): string => `session#${createdAt}#${id}`;

/** Where a page of the user's sessions ends: the last entry's creation time and listener id. */
export interface UserSessionPosition {
  readonly createdAt: string;
  readonly id: string;
}

function positionOfUserSessionSk(sk: unknown): UserSessionPosition | undefined {
  const m = typeof sk === 'string' ? /^session#([^#]+)#([^#]+)$/.exec(sk) : null;
  const [, createdAt, id] = m ?? [];
  return createdAt !== undefined && id !== undefined ? { createdAt, id } : undefined;
}

export interface UserSessionRef {
  readonly cookie: string;
  readonly storeId: string;
  readonly createdAt: string;
}

export interface UserSessionPage {
  readonly sessions: UserSessionRef[];
  readonly next?: UserSessionPosition | undefined;
}
export const trackSk = (id: number): string => `track#${String(id).padStart(10, '0')}`;

/**
 * A session's tracks are spread over this many partitions (`<cookie>#<shard>`), so one large
 * session is not one hot partition: 16 × 1,000 WCU/s. Changing it re-keys every live session.
 */
export const TRACK_SHARDS = 16;

/** The shard of a track: a multiplicative hash, so sequential and strided ids spread evenly. */
export function shardOf(serviceTrackId: number): number {
  return Math.imul(serviceTrackId >>> 0, 0x9e3779b1) >>> 28;
}

/** The partition key of a track's item. Cookies never hold `#`, so the suffix is unambiguous. */
export const trackPk = (cookie: string, serviceTrackId: number): string => shardPk(cookie, shardOf(serviceTrackId));
const shardPk = (cookie: string, shard: number): string => `${cookie}#${String(shard).padStart(2, '0')}`;

export type StateCounts = Record<TrackState, number>;

/** The session's counts item: tallies by state (kept per batch), and the cancel mark workers read. */
export interface SessionCounts {
  readonly counts: StateCounts;
  readonly cancelledAt?: string | undefined;
  /** Count writes so far (each batch's adds one): a recount writes only if none came since it read. */
  readonly moves: number;
  /** When the counts last moved. */
  readonly movedAt?: string | undefined;
  /** When a recount was last claimed, and the `moves` at which a walk last found the counts right. */
  readonly recountAt?: string | undefined;
  readonly verifiedMoves?: number | undefined;
  /** A tally below zero (shown as 0): a count write was lost. */
  readonly negative: boolean;
}

/** Where a page of tracks stopped: the shard and the last serviceTrackId read in it. */
export interface TrackPosition {
  readonly shard: number;
  readonly after?: number | undefined;
}

/** What the status route shows of a track (its item for the store's view of the key); never its downloadParams or URL. */
export type TrackSummary = Pick<Track, 'serviceTrackId' | 'state' | 'hrResult' | 'reason' | 'notifiedAt' | 'item'>;

/**
 * A session item and its counts item share the cookie's partition; its tracks are spread over
 * TRACK_SHARDS partitions by serviceTrackId. Every state change is a conditional write on one
 * item; the counts item is adjusted once per batch of changes (see adjustCounts).
 */
export class DownloadsRepo {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionSeconds: number,
  ) {}

  /**
   * Creates the session; false when it exists already (a retried request). A long container
   * list is written first, in parts, so a session item never points at parts not there.
   */
  async createSession(session: Session): Promise<boolean> {
    const chunks = chunkContainers(session.containers);
    const expiresAt = this.expiry(session.createdAt);
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
          Item: { ...item, sk: SESSION_SK, expiresAt },
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
   * Adds the session to its user's list (newest first), for the listener's view: one small
   * write per session, never per track, and it expires with the session. A plain put: a
   * retried request writes the same item again.
   */
  async indexForUser(session: Session): Promise<void> {
    const ref: UserSessionRef = { cookie: session.cookie, storeId: session.storeId, createdAt: session.createdAt };
    await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...ref,
          cookie: userSessionsPk(session.userId),
          sk: userSessionSk(session.createdAt, listenerSessionId(session.cookie)),
          sessionCookie: session.cookie,
          expiresAt: this.expiry(session.createdAt),
        },
      }),
    );
  }

  /** The user's sessions, newest first, a page at a time. */
  async sessionsOfUser(userId: string, limit: number, after?: UserSessionPosition): Promise<UserSessionPage> {
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
      cookie: `idem#${storeId}#${keyHash}`,
      sk: 'idem',
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
        new GetCommand({ TableName: this.table, Key: { cookie: item.cookie, sk: 'idem' }, ConsistentRead: true }),
      );
      return { cookie: String(out.Item?.sessionCookie), fingerprint: String(out.Item?.fingerprint) };
    }
  }

  /** The session; a long container list (`containerChunks`) is not in it: see containersOf. */
  async getSession(cookie: string): Promise<Session | undefined> {
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
    return items.sort((a, b) => String(a.sk).localeCompare(String(b.sk))).flatMap((i) => i.containers as Container[]);
  }

  /** Records a track once: the existing one comes back when (cookie, serviceTrackId) is known. */
  async putTrackOnce(track: Track): Promise<{ created: true } | { created: false; existing: Track }> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...track,
            cookie: trackPk(track.cookie, track.serviceTrackId),
            sk: trackSk(track.serviceTrackId),
            ...this.ttlFor(track.state, track.updatedAt),
          },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return { created: true };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const existing = await this.getTrack(track.cookie, track.serviceTrackId);
      if (!existing) throw err;
      return { created: false, existing };
    }
  }

  async getTrack(cookie: string, serviceTrackId: number): Promise<Track | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { cookie: trackPk(cookie, serviceTrackId), sk: trackSk(serviceTrackId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toTrack(out.Item) : undefined;
  }

  /** Every track of the session, shard after shard, in serviceTrackId order: operator tools only. */
  async listTracks(cookie: string): Promise<Track[]> {
    const all: Track[] = [];
    for (let shard = 0; shard < TRACK_SHARDS; shard++) {
      const items = await queryAll(this.ddb, {
        TableName: this.table,
        KeyConditionExpression: 'cookie = :c AND begins_with(sk, :t)',
        ExpressionAttributeValues: { ':c': shardPk(cookie, shard), ':t': 'track#' },
        ConsistentRead: true,
      });
      all.push(...items.map(toTrack));
    }
    return all.sort((a, b) => a.serviceTrackId - b.serviceTrackId);
  }

  /**
   * Up to `limit` tracks from `from` on, shard after shard, projected to what the status route
   * shows (no downloadParams travel). `next` is where the following page starts, if any.
   * Shards are read in parallel waves as wide as the page needs, judged from the session's
   * size (`total`, from its counts; the hash keeps shards even): a small session is one round
   * trip for all sixteen, each shard after the first asked for its expected share only; a
   * session whose shards hold a page or more reads one shard at a time. Either way a page reads
   * little more than it returns (a wave of whole pages would read twice the page).
   */
  async pageTracks(
    cookie: string,
    limit: number,
    from: TrackPosition = { shard: 0 },
    total = 0,
  ): Promise<{ tracks: TrackSummary[]; next?: TrackPosition }> {
    const perShard = Math.max(1, total / TRACK_SHARDS);
    const tracks: TrackSummary[] = [];
    let shard = from.shard;
    let after = from.after;
    while (shard < TRACK_SHARDS && tracks.length < limit) {
      const want = limit - tracks.length;
      const width = perShard >= want ? 1 : Math.min(TRACK_SHARDS - shard, Math.ceil(want / perShard) + 1);
      // A shard holding more than its share stops early and the next wave goes on from there.
      const share = total > 0 ? Math.min(want, Math.ceil(perShard * 1.25) + 1) : want;
      const wave = await Promise.all(
        Array.from({ length: width }, (_, i) =>
          this.queryShard(cookie, shard + i, i === 0 ? want : share, i === 0 ? after : undefined),
        ),
      );
      for (const page of wave) {
        const room = limit - tracks.length;
        if (page.items.length > room) {
          // The page is full inside this shard: it goes on after the last track taken.
          tracks.push(...page.items.slice(0, room));
          after = tracks.at(-1)?.serviceTrackId;
          break;
        }
        tracks.push(...page.items);
        if (page.stop !== undefined) {
          // DynamoDB stopped early (its 1 MB page, or the limit): this shard goes on from there.
          after = page.stop;
          break;
        }
        shard += 1;
        after = undefined;
        if (tracks.length >= limit) break;
      }
    }
    tracks.sort((a, b) => a.serviceTrackId - b.serviceTrackId);
    return { tracks, ...(shard < TRACK_SHARDS ? { next: { shard, after } } : {}) };
  }

  private async queryShard(
    cookie: string,
    shard: number,
    limit: number,
    after: number | undefined,
  ): Promise<{ items: TrackSummary[]; stop?: number }> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'cookie = :c AND begins_with(sk, :t)',
        ExpressionAttributeValues: { ':c': shardPk(cookie, shard), ':t': 'track#' },
        ExpressionAttributeNames: { '#s': 'state', '#i': 'item' },
        ProjectionExpression: 'serviceTrackId, #s, hrResult, reason, notifiedAt, #i',
        Limit: limit,
        ...(after !== undefined ? { ExclusiveStartKey: { cookie: shardPk(cookie, shard), sk: trackSk(after) } } : {}),
      }),
    );
    const stop = idOfSk(out.LastEvaluatedKey?.sk);
    return { items: (out.Items ?? []).map(toSummary), ...(stop !== undefined ? { stop } : {}) };
  }

  /**
   * One shard's tracks from `after` on, full items (a cancelled track's callback carries its
   * downloadParams): the cancel's background chunk. `next` is the last id read when more remain.
   */
  async chunkOfShard(
    cookie: string,
    shard: number,
    limit: number,
    after?: number,
  ): Promise<{ tracks: Track[]; next?: number }> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'cookie = :c AND begins_with(sk, :t)',
        ExpressionAttributeValues: { ':c': shardPk(cookie, shard), ':t': 'track#' },
        Limit: limit,
        ConsistentRead: true,
        ...(after !== undefined ? { ExclusiveStartKey: { cookie: shardPk(cookie, shard), sk: trackSk(after) } } : {}),
      }),
    );
    const tracks = (out.Items ?? []).map(toTrack);
    const stop = idOfSk(out.LastEvaluatedKey?.sk);
    return { tracks, ...(stop !== undefined ? { next: stop } : {}) };
  }

  /** The session's counts and cancel mark: one small item, whatever the session's size. */
  async getCounts(cookie: string, consistent = false): Promise<SessionCounts> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { cookie, sk: COUNTS_SK }, ConsistentRead: consistent }),
    );
    return toCounts(out.Item);
  }

  /**
   * Adds a batch's state changes to the session's counts in one UpdateItem (ADD), so counting
   * costs one write per batch and session, not one per track. Only the writer whose conditional
   * write moved a track counts it, so a redelivered message never counts twice; a process that
   * dies between its state writes and this call leaves the counts short by that batch, until a
   * recount (claimRecount, countTracks, verifyCounts) puts them right.
   */
  async adjustCounts(cookie: string, delta: Partial<StateCounts>): Promise<void> {
    const entries = allStates.filter((s) => (delta[s] ?? 0) !== 0);
    if (entries.length === 0) return;
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { cookie, sk: COUNTS_SK },
        UpdateExpression: `SET expiresAt = if_not_exists(expiresAt, :e), movedAt = :now ADD moves :one, ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map((s, i) => [`#c${i}`, s])),
        ExpressionAttributeValues: {
          ':e': this.expiry(new Date().toISOString()),
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

  /** The session's tracks counted by state, from the tracks themselves (every shard, consistent reads). */
  async countTracks(cookie: string): Promise<StateCounts> {
    const shards = await Promise.all(
      Array.from({ length: TRACK_SHARDS }, async (_, shard) => {
        const items = await queryAll(this.ddb, {
          TableName: this.table,
          KeyConditionExpression: 'cookie = :c AND begins_with(sk, :t)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':c': shardPk(cookie, shard), ':t': 'track#' },
          ProjectionExpression: '#s',
          ConsistentRead: true,
        });
        return items.flatMap((i) => allStates.filter((st) => st === i.state));
      }),
    );
    return countStates(shards.flat());
  }

  /**
   * Notes that a walk found the counts right at `moves` (so pending tracks alone ask for no
   * recount until they move), setting them to the walk's `counts` when given; nothing when a
   * count write came since `moves` was read. True when written.
   */
  async verifyCounts(cookie: string, moves: number, counts?: StateCounts): Promise<boolean> {
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
   * Moves a track to `to` only from a state the life cycle allows, setting `fields` with it.
   * Its `updatedAt` when moved; undefined when the track was elsewhere (a duplicate delivery,
   * or a cancel won the race).
   */
  async transition(
    cookie: string,
    serviceTrackId: number,
    to: TrackState,
    fields: Partial<Track> = {},
  ): Promise<string | undefined> {
    const now = new Date().toISOString();
    const values: Record<string, unknown> = { ...fields, state: to, updatedAt: now, ...this.ttlFor(to, now) };
    const names: Record<string, string> = {};
    const sets: string[] = [];
    const exprValues: Record<string, unknown> = {};
    Object.entries(values).forEach(([k, v], i) => {
      if (v === undefined) return;
      names[`#f${i}`] = k;
      exprValues[`:f${i}`] = v;
      sets.push(`#f${i} = :f${i}`);
    });
    const from = sourcesOf(to);
    for (const [i, s] of from.entries()) exprValues[`:from${i}`] = s;
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { cookie: trackPk(cookie, serviceTrackId), sk: trackSk(serviceTrackId) },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(sk) AND #state IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: { ...names, '#state': 'state' },
          ExpressionAttributeValues: exprValues,
        }),
      );
      return now;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  /** Records that the store acknowledged the callback of a failed or cancelled track. */
  async markNotified(cookie: string, serviceTrackId: number): Promise<void> {
    await this.stampOnce(trackPk(cookie, serviceTrackId), trackSk(serviceTrackId), 'notifiedAt');
  }

  /**
   * Marks the session cancelled: on the session item (DownloadTrack refuses new tracks) and on
   * the counts item (workers read it with each batch and skip the session's queued tracks).
   * Answers the counts as they stood, with the first cancel's time.
   */
  async markSessionCancelled(cookie: string): Promise<SessionCounts> {
    await this.stampOnce(cookie, SESSION_SK, 'cancelledAt');
    const out = await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { cookie, sk: COUNTS_SK },
        UpdateExpression:
          'SET cancelledAt = if_not_exists(cancelledAt, :now), expiresAt = if_not_exists(expiresAt, :e)',
        ExpressionAttributeValues: { ':now': new Date().toISOString(), ':e': this.expiry(new Date().toISOString()) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toCounts(out.Attributes);
  }

  /** Marks the session as announced to the store (its `Download` event was acknowledged). */
  async markSessionNotified(cookie: string): Promise<void> {
    await this.stampOnce(cookie, SESSION_SK, 'notifiedAt');
  }

  /** Sets a timestamp attribute of an existing item once; later calls keep the first time. */
  private async stampOnce(pk: string, sk: string, attribute: 'notifiedAt' | 'cancelledAt'): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { cookie: pk, sk },
        UpdateExpression: 'SET #a = if_not_exists(#a, :now)',
        ConditionExpression: 'attribute_exists(sk)',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
  }

  private expiry(fromIso: string): number {
    return Math.floor(Date.parse(fromIso) / 1000) + this.retentionSeconds;
  }

  // Finished tracks expire with DynamoDB TTL; live ones never do.
  private ttlFor(state: TrackState, atIso: string): { expiresAt?: number } {
    return state === 'queued' || state === 'stored' ? {} : { expiresAt: this.expiry(atIso) };
  }
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

/**
 * A track as stored, without the table's own attributes: its cookie without the shard, its
 * HRESULTs branded again as they are read.
 */
export function toTrack(item: Record<string, unknown>): Track {
  return trackRecordSchema.parse({ ...item, cookie: String(item.cookie).split('#')[0] });
}

function idOfSk(sk: unknown): number | undefined {
  return typeof sk === 'string' && sk.startsWith('track#') ? Number(sk.slice(6)) : undefined;
}

function toSummary(i: Record<string, unknown>): TrackSummary {
  const item = i.item as StoredItem | undefined;
  return {
    serviceTrackId: Number(i.serviceTrackId),
    state: i.state as TrackState,
    ...(typeof i.hrResult === 'number' ? { hrResult: hresult(i.hrResult) } : {}),
    ...(typeof i.reason === 'string' ? { reason: i.reason } : {}),
    ...(typeof i.notifiedAt === 'string' ? { notifiedAt: i.notifiedAt } : {}),
    ...(item && typeof item.key === 'string' ? { item } : {}),
  };
}

function toCounts(item: Record<string, unknown> | undefined): SessionCounts {
  const counts = Object.fromEntries(allStates.map((s) => [s, Math.max(0, Number(item?.[s] ?? 0))])) as StateCounts;
  return {
    counts,
    negative: allStates.some((s) => Number(item?.[s] ?? 0) < 0),
    moves: Number(item?.moves ?? 0),
    ...(typeof item?.recountAt === 'string' ? { recountAt: item.recountAt } : {}),
    ...(typeof item?.verifiedMoves === 'number' ? { verifiedMoves: item.verifiedMoves } : {}),
    ...(typeof item?.cancelledAt === 'string' ? { cancelledAt: item.cancelledAt } : {}),
    ...(typeof item?.movedAt === 'string' ? { movedAt: item.movedAt } : {}),
  };
}
