import type { SessionTrack } from './types.js';

/**
 * Nothing more will happen to the track: it has ended, and the DownloadTrackComplete it is owed
 * was acknowledged (a stored track then becomes `completed`; a failed or cancelled one gets
 * `notifiedAt`). A declined track is settled at once: the store decided it, nothing reports it.
 */
export function isSettled(track: Pick<SessionTrack, 'state' | 'notifiedAt'>): boolean {
  switch (track.state) {
    case 'queued':
      return false;
    case 'stored':
    case 'failed':
    case 'cancelled':
      return track.notifiedAt !== undefined;
    case 'completed':
    case 'declined':
      return true;
  }
}
