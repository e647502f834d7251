import type { TrackAnswerBody } from '../../core/answers.js';
import { ApiError } from '../../core/errors.js';
import { formatHResult, HR, succeeded } from '../../core/hresult.js';
import type { DownloadMessage } from '../../core/queueMessages.js';
import { type DownloadTrackInput, describeIssues, downloadTrackSchema } from '../../core/schemas.js';
import { isOriginAllowed, parseSource } from '../../core/sourceUrl.js';
import type { Session, Store, Track } from '../../core/storedRecords.js';
import type { ApiDeps } from '../deps.js';
import { refuseErasedUser } from '../erasure/erasureGate.js';
import { writeCounts } from '../recount.js';

export interface TrackAnswer {
  readonly status: 200 | 202;
  readonly body: TrackAnswerBody;
}

/** Checks one DownloadTrack call's arguments against the limits and the store's allowlist. */
export function checkTrack(deps: ApiDeps, store: Store, raw: unknown): DownloadTrackInput {
  const parsed = downloadTrackSchema.safeParse(raw);
  if (!parsed.success) throw new ApiError(400, 'invalid_request', describeIssues(parsed.error), HR.E_INVALIDARG);
  const input = parsed.data;
  const max = deps.settings.limits.maxDownloadParamsBytes;
  if (Buffer.byteLength(input.downloadParams, 'utf8') > max) {
    throw new ApiError(413, 'download_params_too_large', `downloadParams is over ${max} bytes`, HR.E_INVALIDARG);
  }
  if (succeeded(input.hrDownload)) {
    if (!input.trackUrl)
      throw new ApiError(
        400,
        'invalid_request',
        'trackUrl: required when hrDownload is a success code',
        HR.E_INVALIDARG,
      );
    const source = parseSource(input.trackUrl);
    if (!source)
      throw new ApiError(
        400,
        'invalid_track_url',
        'trackUrl must be an https://, http:// or s3:// URL',
        HR.E_INVALIDARG,
      );
    // The media bucket holds every user's files: refused even if an old record allowlists it.
    if (source.kind === 's3' && deps.ownBuckets.includes(source.bucket)) {
      throw new ApiError(
        403,
        'origin_not_allowed',
        "trackdrop's own bucket cannot be a track source",
        HR.E_ACCESSDENIED,
      );
    }
    if (!isOriginAllowed(source, store.allowOrigins)) {
      throw new ApiError(
        403,
        'origin_not_allowed',
        `${source.origin} is not on this store's allowlist`,
        HR.E_ACCESSDENIED,
      );
    }
  }
  return input;
}

/**
 * Records one checked DownloadTrack call. A success code queues the track for a worker; a
 * failure code records it `declined` and fetches nothing. A repeat of the same call gets the
 * same answer and no second copy; the same serviceTrackId with other arguments is a conflict.
 */
export async function recordTrack(
  deps: ApiDeps,
  session: Session,
  input: DownloadTrackInput,
): Promise<{ answer: TrackAnswer; message?: DownloadMessage; created?: 'queued' | 'declined' }> {
  if (session.cancelledAt)
    throw new ApiError(409, 'session_cancelled', 'this download session was cancelled', HR.E_ABORT);
  const approved = succeeded(input.hrDownload);
  const now = new Date().toISOString();
  const track: Track = {
    cookie: session.cookie,
    storeId: session.storeId,
    userId: session.userId,
    serviceTrackId: input.serviceTrackId,
    trackUrl: input.trackUrl,
    downloadParams: input.downloadParams,
    hrDownload: input.hrDownload,
    expectedSha256: input.sha256,
    state: approved ? 'queued' : 'declined',
    ...(approved ? {} : { hrResult: input.hrDownload, reason: 'declined by the store' }),
    createdAt: now,
    updatedAt: now,
  };
  const put = await deps.tracks.putOnce(track);
  if (put.created) deps.telemetry.count(approved ? 'TracksQueued' : 'TracksDeclined');
  const kept = put.created ? track : put.existing;
  if (!put.created && !sameCall(kept, track)) {
    throw new ApiError(
      409,
      'track_conflict',
      `serviceTrackId ${input.serviceTrackId} was already sent with other arguments`,
      HR.E_INVALIDARG,
    );
  }
  const answer = answerFor(kept);
  const created = put.created ? { created: approved ? ('queued' as const) : ('declined' as const) } : {};
  // A queued track is (re)enqueued: on a repeat this repairs an enqueue that failed before the
  // first answer; a worker handles a duplicate message as a no-op.
  if (kept.state === 'queued' && kept.trackUrl) {
    return {
      answer,
      ...created,
      message: {
        cookie: kept.cookie,
        storeId: kept.storeId,
        userId: kept.userId,
        serviceTrackId: kept.serviceTrackId,
        trackUrl: kept.trackUrl,
        expectedSha256: kept.expectedSha256,
      },
    };
  }
  return { answer, ...created };
}

/** DownloadTrack, one call. */
export async function downloadTrack(deps: ApiDeps, store: Store, session: Session, raw: unknown): Promise<TrackAnswer> {
  // An erasure cancels its user's sessions: such a session says why (one read, on refusal only).
  if (session.cancelledAt) await refuseErasedUser(deps, session.userId);
  const input = checkTrack(deps, store, raw);
  const { answer, message, created } = await recordTrack(deps, session, input);
  // Concurrent calls in one container share SendMessageBatch requests.
  try {
    if (message) await deps.downloadsQueue.sendSoon(message);
  } finally {
    // Counted even when the enqueue failed: the store's retry finds the track made, not new.
    if (created) await writeCounts(deps, session, { [created]: 1 });
  }
  return answer;
}

function answerFor(t: Track): TrackAnswer {
  if (t.state === 'declined') {
    return {
      status: 200,
      body: { serviceTrackId: t.serviceTrackId, state: 'declined', hrResult: formatHResult(t.hrDownload) },
    };
  }
  return { status: 202, body: { serviceTrackId: t.serviceTrackId, state: 'queued' } };
}

function sameCall(a: Track, b: Track): boolean {
  return (
    a.trackUrl === b.trackUrl &&
    a.downloadParams === b.downloadParams &&
    a.hrDownload === b.hrDownload &&
    (a.expectedSha256 ?? null) === (b.expectedSha256 ?? null)
  );
}
