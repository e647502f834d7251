import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { trackEventId } from '../core/callbackEvents.js';
import {
  cookieOfTrackPk,
  expiryOf,
  idOfTrackSk,
  shardPk,
  TRACK_SHARDS,
  type TrackPosition,
  trackPk,
  trackSk,
} from '../core/downloadsKeys.js';
import {
  type Track,
  type TrackEventFacts,
  type TrackSummary,
  trackEventFactsSchema,
  trackRecordSchema,
  trackSummarySchema,
} from '../core/storedRecords.js';
import { allStates, countStates, type StateCounts, sourcesOf, type TrackState } from '../core/trackState.js';
import { type DeliveryFailure, recordDeliveryFailure } from './deliveryFailures.js';
import { isConditionFailed } from './isConditionFailed.js';
import { queryAll } from './queryAll.js';
import { stampOnce } from './stampOnce.js';

/**
 * A session's tracks in the downloads table, spread over TRACK_SHARDS partitions by
 * serviceTrackId. Every state change is a conditional write on one item; the session's counts
 * item is adjusted once per batch of changes (CountsRepo.adjust).
 */
export class TracksRepo {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionSeconds: number,
  ) {}

  /** Records a track once: the existing one comes back when (cookie, serviceTrackId) is known. */
  async putOnce(track: Track): Promise<{ created: true } | { created: false; existing: Track }> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...track,
            cookie: trackPk(track.cookie, track.serviceTrackId),
            sk: trackSk(track.serviceTrackId),
            ...this.ttlFor(track.state, track.updatedAt),
            // An approved track will have a DownloadTrackComplete: its id, for the event log's redelivery.
            ...(track.state === 'declined' ? {} : { eventId: trackEventId(track.cookie, track.serviceTrackId) }),
          },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return { created: true };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const existing = await this.get(track.cookie, track.serviceTrackId);
      if (!existing) throw err;
      return { created: false, existing };
    }
  }

  async get(cookie: string, serviceTrackId: number): Promise<Track | undefined> {
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
  async list(cookie: string): Promise<Track[]> {
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
  async page(
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
    const stop = idOfTrackSk(out.LastEvaluatedKey?.sk);
    return {
      items: (out.Items ?? []).map((i) => trackSummarySchema.parse(i)),
      ...(stop !== undefined ? { stop } : {}),
    };
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
    const stop = idOfTrackSk(out.LastEvaluatedKey?.sk);
    return { tracks, ...(stop !== undefined ? { next: stop } : {}) };
  }

  /** The session's tracks counted by state, from the tracks themselves (every shard, consistent reads). */
  async countByState(cookie: string): Promise<StateCounts> {
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
    // The moment it ended is its DownloadTrackComplete's time in the event log.
    const ended = to === 'stored' || to === 'failed' || to === 'cancelled' ? { endedAt: now } : {};
    const values: Record<string, unknown> = { ...fields, ...ended, state: to, updatedAt: now, ...this.ttlFor(to, now) };
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

  /**
   * One shard's tracks from `after` on, with only what the event log shows of each; `next` is
   * the last id read when DynamoDB has more.
   */
  async eventFactsOfShard(
    cookie: string,
    shard: number,
    limit: number,
    after?: number,
  ): Promise<{ tracks: TrackEventFacts[]; next?: number }> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'cookie = :c AND begins_with(sk, :t)',
        ExpressionAttributeValues: { ':c': shardPk(cookie, shard), ':t': 'track#' },
        ExpressionAttributeNames: { '#s': 'state' },
        ProjectionExpression:
          'serviceTrackId, #s, hrResult, notifiedAt, endedAt, updatedAt, deliveryFailures, lastDelivery',
        Limit: limit,
        ...(after !== undefined ? { ExclusiveStartKey: { cookie: shardPk(cookie, shard), sk: trackSk(after) } } : {}),
      }),
    );
    const stop = idOfTrackSk(out.LastEvaluatedKey?.sk);
    return {
      tracks: (out.Items ?? []).map((i) => trackEventFactsSchema.parse(i)),
      ...(stop !== undefined ? { next: stop } : {}),
    };
  }

  /** Counts a failed delivery of the track's DownloadTrackComplete (deliveryFailures.ts). */
  async recordDeliveryFailure(cookie: string, serviceTrackId: number, failure: DeliveryFailure): Promise<void> {
    await recordDeliveryFailure(
      this.ddb,
      this.table,
      { cookie: trackPk(cookie, serviceTrackId), sk: trackSk(serviceTrackId) },
      failure,
    );
  }

  /** Records that the store acknowledged the callback of a failed or cancelled track. */
  async markNotified(cookie: string, serviceTrackId: number): Promise<void> {
    await stampOnce(
      this.ddb,
      this.table,
      { cookie: trackPk(cookie, serviceTrackId), sk: trackSk(serviceTrackId) },
      'notifiedAt',
    );
  }

  // Finished tracks expire with DynamoDB TTL; live ones never do.
  private ttlFor(state: TrackState, atIso: string): { expiresAt?: number } {
    return state === 'queued' || state === 'stored' ? {} : { expiresAt: expiryOf(atIso, this.retentionSeconds) };
  }
}

/**
 * A track as stored, without the table's own attributes: its cookie without the shard, its
 * HRESULTs branded again as they are read.
 */
export function toTrack(item: Record<string, unknown>): Track {
  return trackRecordSchema.parse({ ...item, cookie: cookieOfTrackPk(String(item.cookie)) });
}
