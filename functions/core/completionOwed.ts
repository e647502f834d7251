import type { TrackState } from './trackState.js';

/** What the rule looks at: a track's state and whether the store acknowledged its outcome. */
export interface OutcomeOfTrack {
  readonly state: TrackState;
  readonly notifiedAt?: string | undefined;
}

/**
 * Is the store still owed a DownloadTrackComplete for this track? Every approved track that
 * ended (stored, failed or cancelled) is reported until the store acknowledges it: a stored one
 * then becomes `completed`, a failed or cancelled one gets `notifiedAt`. A queued track has not
 * ended; a declined one was the store's own answer, so it is never reported.
 */
export function isCompletionOwed(t: OutcomeOfTrack): boolean {
  return (t.state === 'stored' || t.state === 'failed' || t.state === 'cancelled') && !t.notifiedAt;
}

/** Nothing more will happen to the track: it has ended and the store is owed nothing for it. */
export function isSettled(t: OutcomeOfTrack): boolean {
  return t.state !== 'queued' && !isCompletionOwed(t);
}
