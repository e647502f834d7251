import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hresult } from '../core/hresult.js';
import { sourcesOf } from '../core/trackState.js';
import type { Container, Session, Track, TrackState } from '../core/types.js';
import { isConditionFailed } from './isConditionFailed.js';
import { queryAll } from './queryAll.js';

const SESSION_SK = 'session';
const containersSk = (i: number): string => `containers#${String(i).padStart(4, '0')}`;
/**
 * A container list up to this size (as JSON) stays in the session item; a longer one (the
 * documented maximum, 100 containers × 1,000 content ids, is about 1.2 MB) is split over items
 * of about this size each, far under DynamoDB's 400 KB, so every list the API accepts is stored.
 */
const CONTAINERS_ITEM_BYTES = 64 * 1024;
/** A user's list of sessions lives in its own partition; `#` never appears in a cookie, so it cannot clash with one. */
const userSessionsPk = (userId: string): string => `user#${userId}`;
const userSessionSk = (createdAt: string, cookie: string): string => `session#${createdAt}#${cookie}`;

export interface UserSessionRef {
  readonly cookie: string;
  readonly storeId: string;
  readonly createdAt: string;
}

export interface UserSessionPage {
  readonly sessions: UserSessionRef[];
  readonly next?: string | undefined;
}
export const trackSk = (id: number): string => `track#${String(id).padStart(10, '0')}`;

/**
 * A session and its tracks share one partition (the cookie): the status route reads the whole
 * session with one query, and every state change is a conditional write on one item.
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
        await this.ddb.send(new PutCommand({ TableName: this.table, Item: { cookie: session.cookie, sk: containersSk(i), containers, expiresAt } }));
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
        Item: { ...ref, cookie: userSessionsPk(session.userId), sk: userSessionSk(session.createdAt, session.cookie), sessionCookie: session.cookie, expiresAt: this.expiry(session.createdAt) },
      }),
    );
  }

  /** The user's sessions, newest first, a page at a time. */
  async sessionsOfUser(userId: string, limit: number, next?: string): Promise<UserSessionPage> {
    const start = next === undefined ? undefined : Buffer.from(next, 'base64url').toString('utf8');
    if (start !== undefined && !start.startsWith('session#')) throw new RangeError('bad cursor');
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'cookie = :u AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':u': userSessionsPk(userId), ':s': 'session#' },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: start === undefined ? undefined : { cookie: userSessionsPk(userId), sk: start },
      }),
    );
    const last = out.LastEvaluatedKey?.sk;
    return {
      sessions: (out.Items ?? []).map((i) => ({ cookie: String(i.sessionCookie), storeId: String(i.storeId), createdAt: String(i.createdAt) })),
      next: typeof last === 'string' ? Buffer.from(last, 'utf8').toString('base64url') : undefined,
    };
  }

  /**
   * Ties a store's Idempotency-Key to the session it opened, for a day: the first caller's
   * cookie and request fingerprint, or those of whoever claimed the key before.
   */
  async claimIdempotencyKey(storeId: string, keyHash: string, cookie: string, fingerprint: string): Promise<{ cookie: string; fingerprint: string }> {
    const item = { cookie: `idem#${storeId}#${keyHash}`, sk: 'idem', sessionCookie: cookie, fingerprint, expiresAt: Math.floor(Date.now() / 1000) + 86_400 };
    try {
      await this.ddb.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(cookie)' }));
      return { cookie, fingerprint };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const out = await this.ddb.send(new GetCommand({ TableName: this.table, Key: { cookie: item.cookie, sk: 'idem' }, ConsistentRead: true }));
      return { cookie: String(out.Item?.sessionCookie), fingerprint: String(out.Item?.fingerprint) };
    }
  }

  /** The session; a long container list (`containerChunks`) is not in it: see containersOf. */
  async getSession(cookie: string): Promise<Session | undefined> {
    const out = await this.ddb.send(new GetCommand({ TableName: this.table, Key: { cookie, sk: SESSION_SK }, ConsistentRead: true }));
    return out.Item ? (strip(out.Item) as unknown as Session) : undefined;
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
          Item: { ...track, sk: trackSk(track.serviceTrackId), ...this.ttlFor(track.state, track.updatedAt) },
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
      new GetCommand({ TableName: this.table, Key: { cookie, sk: trackSk(serviceTrackId) }, ConsistentRead: true }),
    );
    return out.Item ? toTrack(out.Item) : undefined;
  }

  async listTracks(cookie: string): Promise<Track[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'cookie = :c AND begins_with(sk, :t)',
      ExpressionAttributeValues: { ':c': cookie, ':t': 'track#' },
      ConsistentRead: true,
    });
    return items.map(toTrack);
  }

  /**
   * Moves a track to `to` only from a state the life cycle allows, setting `fields` with it.
   * Its `updatedAt` when moved; undefined when the track was elsewhere (a duplicate delivery,
   * or a cancel won the race).
   */
  async transition(cookie: string, serviceTrackId: number, to: TrackState, fields: Partial<Track> = {}): Promise<string | undefined> {
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
    from.forEach((s, i) => (exprValues[`:from${i}`] = s));
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { cookie, sk: trackSk(serviceTrackId) },
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
    await this.stampOnce(cookie, trackSk(serviceTrackId), 'notifiedAt');
  }

  async markSessionCancelled(cookie: string): Promise<void> {
    await this.stampOnce(cookie, SESSION_SK, 'cancelledAt');
  }

  /** Marks the session as announced to the store (its `Download` event was acknowledged). */
  async markSessionNotified(cookie: string): Promise<void> {
    await this.stampOnce(cookie, SESSION_SK, 'notifiedAt');
  }

  /** Sets a timestamp attribute of an existing item once; later calls keep the first time. */
  private async stampOnce(cookie: string, sk: string, attribute: 'notifiedAt' | 'cancelledAt'): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { cookie, sk },
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
  const chunks: Container[][] = [[]];
  let size = 0;
  for (const c of containers) {
    const bytes = Buffer.byteLength(JSON.stringify(c), 'utf8');
    if (size + bytes > CONTAINERS_ITEM_BYTES && chunks.at(-1)!.length > 0) {
      chunks.push([]);
      size = 0;
    }
    chunks.at(-1)!.push(c);
    size += bytes;
  }
  return chunks;
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { sk: _sk, expiresAt: _e, ...rest } = item;
  return rest;
}

/** A track as stored, without the table's own attributes; its HRESULTs branded again as they are read. */
export function toTrack(item: Record<string, unknown>): Track {
  const t = strip(item) as unknown as Track;
  return { ...t, hrDownload: hresult(Number(t.hrDownload)), ...(t.hrResult === undefined ? {} : { hrResult: hresult(Number(t.hrResult)) }) };
}
