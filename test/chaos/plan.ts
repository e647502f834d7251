import { createHash } from 'node:crypto';
import { formatHResult, HR, type HResult, hresult, httpStatusHResult } from '../../functions/core/hresult.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import type { OriginFaultKind } from './faults.js';
import type { Prng } from './prng.js';

/**
 * What a careless or hostile origin serves instead of a plain tagged file: nothing at all, an
 * HTML page, 150 KB tags, the same badly tagged name as many other tracks, or its bytes one
 * by one (`slow-drip`, http only).
 */
export type HostileKind = 'zero-byte' | 'not-audio' | 'huge-tags' | 'same-name' | 'slow-drip';
export const hostileKinds: readonly HostileKind[] = ['zero-byte', 'not-audio', 'huge-tags', 'same-name', 'slow-drip'];

/** The stored length of one text tag (settings.limits.maxTagBytes): what a huge tag is cut to. */
const MAX_TAG_BYTES = 1024;

export interface PlannedTags {
  readonly title: string;
  readonly artist: string;
  readonly album: string;
  readonly trackNumber: number;
}

/** One DownloadTrack the chaos store will send, and the faults it meets. */
export interface PlannedTrack {
  readonly session: number;
  readonly userId: string;
  readonly serviceTrackId: number;
  readonly source: 's3' | 'http';
  /** File name at the fake origin, or object key in the source bucket. */
  readonly name: string;
  readonly body: Buffer;
  readonly sha256: string;
  readonly tags: PlannedTags;
  readonly downloadParams: string;
  /** False: no license is predelivered (NS_E_DRM_LICENSE_NOTACQUIRED expected). */
  readonly licensed: boolean;
  /** The store's own failure code, when it declines the track. */
  readonly declinedWith?: string | undefined;
  /** DownloadTrack carries a `sha256` that does not match (CRYPT_E_HASH_VALUE expected). */
  readonly wrongChecksum: boolean;
  /** The origin misbehaves for this many requests, then serves the file. */
  readonly originFault?: { readonly kind: OriginFaultKind; readonly hits: number } | undefined;
  /** What the origin serves instead of a plain file, if anything (see HostileKind). */
  readonly hostile?: HostileKind | undefined;
}

export interface PlannedSession {
  readonly userId: string;
  /** Cancelled this many ms after its tracks are sent, or never. */
  readonly cancelAfterMs?: number | undefined;
}

export interface ChaosPlan {
  readonly sessions: readonly PlannedSession[];
  readonly tracks: readonly PlannedTrack[];
  /** The store's callback endpoint is down from `atMs` into the run for `seconds`. */
  readonly outage: { readonly atMs: number; readonly seconds: number };
  /** Throttling: a base chance per attempt, and storms when most attempts are throttled. */
  readonly throttle: {
    readonly base: number;
    readonly storm: number;
    readonly storms: readonly { readonly atMs: number; readonly ms: number }[];
  };
}

export interface PlanOptions {
  readonly tracks: number;
  readonly tracksPerSession?: number;
  readonly users?: number;
  /** How long the send phase is expected to take, to place the outage and storms in it. */
  readonly spanMs: number;
}

/**
 * Draws a run from the seed: sessions of ~25 tracks over a handful of users, s3:// and http://
 * sources, a few tracks unlicensed, declined or with a wrong checksum, origin faults on a quarter
 * of the http tracks, one cancelled session, one store outage and a few throttling storms.
 */
export function makePlan(rng: Prng, opts: PlanOptions): ChaosPlan {
  const perSession = opts.tracksPerSession ?? 25;
  const users = opts.users ?? Math.max(2, Math.ceil(opts.tracks / 60));
  const sessionCount = Math.max(1, Math.ceil(opts.tracks / perSession));
  const cancelled = sessionCount >= 2 ? rng.int(0, sessionCount - 1) : -1;
  const sessions: PlannedSession[] = Array.from({ length: sessionCount }, (_, i) => ({
    userId: `chaos-user-${i % users}`,
    ...(i === cancelled ? { cancelAfterMs: rng.int(200, 1500) } : {}),
  }));
  const tracks: PlannedTrack[] = [];
  const unplaced = new Set(hostileKinds);
  for (let i = 0; i < opts.tracks; i++) {
    const session = Math.floor(i / perSession);
    const serviceTrackId = 10_000 + i;
    const source = rng.chance(0.4) ? 's3' : 'http';
    let tags = {
      title: `Song ${serviceTrackId}`,
      artist: `Artist ${rng.int(1, 6)}`,
      album: `Album ${rng.int(1, 4)}`,
      trackNumber: rng.int(1, 20),
    };
    const seconds = 0.2 + rng.next() * 0.3;
    let body = makeMp3(tags, seconds);
    const roll = rng.next();
    const declinedWith = roll < 0.04 ? rng.pick(['0x80004005', '0x80070005', '0x8004D000']) : undefined;
    const licensed = !(roll >= 0.04 && roll < 0.08);
    const wrongChecksum = roll >= 0.08 && roll < 0.12;
    let originFault: PlannedTrack['originFault'] =
      source === 'http' && !declinedWith && licensed && rng.chance(0.3)
        ? { kind: rng.pick(['status500', 'truncate', 'stall'] as const), hits: rng.int(1, 5) }
        : undefined;
    // Hostile origins, on tracks with no other fault so each outcome says what it is about.
    // Each kind at least once (on the first tracks that can take it), then a fifth of the rest.
    const fits = (k: HostileKind) => k !== 'slow-drip' || source === 'http';
    const eligible = !declinedWith && licensed && !wrongChecksum && !originFault;
    // (Not in the session that is cancelled: there each could end `cancelled` before it shows.)
    const owed = session === cancelled ? undefined : [...unplaced].find(fits);
    const hostile = !eligible
      ? undefined
      : (owed ?? (rng.chance(0.2) ? rng.pick(hostileKinds.filter(fits)) : undefined));
    if (hostile) unplaced.delete(hostile);
    if (hostile === 'zero-byte') body = Buffer.alloc(0);
    if (hostile === 'not-audio')
      body = Buffer.from(`<!doctype html><html><body>${'<p>Sign in to download</p>'.repeat(40)}</body></html>`);
    if (hostile === 'huge-tags') {
      const huge = (c: string) => c.repeat(150 * 1024);
      body = makeMp3({ title: huge('T'), artist: huge('A'), album: huge('B'), trackNumber: tags.trackNumber }, seconds);
      tags = {
        title: 'T'.repeat(MAX_TAG_BYTES),
        artist: 'A'.repeat(MAX_TAG_BYTES),
        album: 'B'.repeat(MAX_TAG_BYTES),
        trackNumber: tags.trackNumber,
      };
    }
    if (hostile === 'same-name') {
      // A badly tagged import: every such track of a user wants the very same name.
      tags = { title: 'Track 01', artist: 'Unknown Artist', album: 'Unknown Album', trackNumber: 1 };
      body = makeMp3(tags, seconds);
    }
    // Every fetch drips: an attempt that dies of another fault after its drip (a throttled
    // state write, say) then meets the drip again instead of a healthy origin.
    if (hostile === 'slow-drip') originFault = { kind: 'drip', hits: 10 };
    tracks.push({
      session,
      userId: sessions[session]!.userId,
      serviceTrackId,
      source,
      name: `chaos/${serviceTrackId}.mp3`,
      body,
      sha256: createHash('sha256').update(body).digest('hex'),
      tags,
      downloadParams: `order=${i}&seed=${rng.seed}`,
      licensed,
      declinedWith,
      wrongChecksum,
      originFault,
      hostile,
    });
  }
  const storms = Array.from({ length: rng.int(2, 3) }, () => ({
    atMs: rng.int(0, opts.spanMs),
    ms: rng.int(1500, 3500),
  }));
  return {
    sessions,
    tracks,
    outage: { atMs: rng.int(Math.floor(opts.spanMs / 4), opts.spanMs), seconds: rng.int(3, 7) },
    throttle: { base: 0.04, storm: 0.6, storms },
  };
}

/** What a track may end as: state and HRESULT (hex), given what was planned for it. */
export function acceptableOutcomes(t: PlannedTrack, sessionCancelled: boolean): Set<string> {
  const out = new Set<string>();
  const hex = (hr: HResult) => formatHResult(hr);
  if (t.declinedWith) {
    out.add(`declined ${hex(hresult(Number.parseInt(t.declinedWith, 16)))}`);
    return out;
  }
  if (sessionCancelled) out.add(`cancelled ${hex(HR.E_ABORT)}`);
  if (!t.licensed) {
    out.add(`failed ${hex(HR.NS_E_DRM_LICENSE_NOTACQUIRED)}`);
    return out;
  }
  // A fault of trackdrop's own side repeated to the last receive (throttling past the SDK's
  // retries, every time) ends a track failed with E_FAIL rather than leave it waiting.
  out.add(`failed ${hex(HR.E_FAIL)}`);
  if (t.hostile === 'zero-byte') {
    out.add(`failed ${hex(HR.E_EMPTY_FILE)}`);
    return out;
  }
  if (t.hostile === 'not-audio') {
    out.add(`failed ${hex(HR.E_NOT_AUDIO)}`);
    return out;
  }
  out.add(t.wrongChecksum ? `failed ${hex(HR.E_HASH_MISMATCH)}` : `completed ${hex(HR.S_OK)}`);
  // An origin fault that outlasts the receives fails the track with its own code.
  if (t.originFault) out.add(`failed ${hex(faultHResult(t.originFault.kind))}`);
  // The fake store's `truncate` destroys the socket in the same tick as its write, so the
  // bytes never leave: the worker sees a connection dropped before any answer.
  if (t.originFault?.kind === 'truncate') out.add(`failed ${hex(HR.E_ORIGIN_UNREACHABLE)}`);
  return out;
}

export function faultHResult(kind: OriginFaultKind): HResult {
  switch (kind) {
    case 'status500':
      return httpStatusHResult(500);
    case 'truncate':
      return HR.E_DOWNLOAD_FAILURE;
    case 'stall':
      return HR.E_TIMEOUT;
    case 'drip':
      return HR.E_TOO_SLOW;
    case 'gzip':
      return HR.E_UNSUPPORTED_ENCODING;
  }
}
