import { createHash } from 'node:crypto';

/** Plain ` (2)`, ` (3)` names tried before the hashed ones. */
export const LINEAR_NAME_ATTEMPTS = 3;
/** Every name a track tries: the linear ones, then hashed ones; each try is one conditional write. */
export const MAX_NAME_ATTEMPTS = LINEAR_NAME_ATTEMPTS + 3;

/**
 * What makes the n-th name a track tries unique: nothing for the first, ` (2)` and ` (3)` for the
 * next, then ` (~xxxxxxxx)`, 8 hex digits hashed from the track's identity and the attempt. However
 * many tracks share a name ("Unknown Artist/Unknown Album/01 Track 01"), a track finds a free name
 * in a bounded number of writes, and a redelivered message tries the very same names again.
 */
export function collisionSuffix(attempt: number, owner: string): string {
  if (attempt <= 1) return '';
  if (attempt <= LINEAR_NAME_ATTEMPTS) return ` (${attempt})`;
  return ` (~${createHash('sha256').update(`${owner}\u0000${attempt}`).digest('hex').slice(0, 8)})`;
}
