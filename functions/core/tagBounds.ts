import { truncateUtf8 } from './keyLayout.js';
import type { TrackTags } from './trackTags.js';

/**
 * Cuts one text tag to at most `maxBytes` UTF-8 bytes (whole characters; never trimmed: a
 * value is kept as tagged). A tag is the file's own text, of any length: bounded, a track's record always fits
 * DynamoDB's 400 KB item, so an object is never written whose record could not be.
 */
export function boundTag(value: string | undefined, maxBytes: number): string | undefined {
  if (value === undefined) return undefined;
  const cut = truncateUtf8(value, maxBytes);
  return cut === '' ? undefined : cut;
}

/** A list of text tags (several artists, say): as many whole entries as fit `maxBytes` together. */
function boundList(list: readonly unknown[], maxBytes: number): unknown[] {
  const out: unknown[] = [];
  let used = 0;
  for (const e of list) {
    const v = typeof e === 'string' ? boundTag(e, maxBytes - used) : e;
    if (v === undefined) break;
    used += typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 8;
    out.push(v);
    if (used >= maxBytes) break;
  }
  return out;
}

/**
 * Every text tag of a track bounded, lists of them too (`maxBytes` for a whole list);
 * numbers pass as they are. Field by field over whatever the tag reader returns, so a tag it
 * learns to read later is bounded as well.
 */
export function boundTags<T extends TrackTags>(tags: T, maxBytes: number): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tags)) {
    out[k] = typeof v === 'string' ? boundTag(v, maxBytes) : Array.isArray(v) ? boundList(v, maxBytes) : v;
  }
  // Same keys, same kinds of value, only shorter: still a T.
  return out as T;
}
