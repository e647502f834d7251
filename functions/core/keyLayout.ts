import { audioFormatOf } from './audioContainer.js';
import type { TrackTags } from './trackTags.js';

/**
 * Where a track lands: `users/{userId}/Music/{Artist}/{Album}/{NN Title}.{ext}`, built only from
 * sanitised segments so no tag, name or id can step outside the user's Music folder, and safe
 * to sync to Windows, macOS and Linux file systems.
 */
export type KeyTags = Pick<
  TrackTags,
  'title' | 'artist' | 'albumArtist' | 'album' | 'trackNumber' | 'discNumber' | 'discTotal' | 'compilation'
>;

/** The folder compilations share, as iTunes and Windows Media Player file them. */
export const COMPILATIONS_FOLDER = 'Compilations';

/** A compilation: the file's flag (ID3 TCMP, MP4 cpil, Vorbis COMPILATION), or album artist "Various Artists". */
export function isCompilation(tags: Pick<TrackTags, 'compilation' | 'albumArtist'>): boolean {
  return tags.compilation === true || /^\s*various artists\s*$/iu.test(tags.albumArtist ?? '');
}

/** An album of several discs: a disc total above 1, or a disc number above 1. */
export function isMultiDisc(tags: Pick<TrackTags, 'discNumber' | 'discTotal'>): boolean {
  return (tags.discTotal ?? 0) > 1 || (tags.discNumber ?? 0) > 1;
}

/** Bytes per path segment: well under every file system's 255 and S3's 1024 for the whole key. */
export const MAX_SEGMENT_BYTES = 120;

/** A device name Windows refuses as a whole file or folder name, with or without an extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// Slashes and their look-alikes that survive NFKC, plus characters Windows forbids in names.
const SEPARATORS = /[/\\\u2215\u2044\u29f8\u29f5\u29f9\u2571\u2572\u3033\u30fb\ufe68\u00f7<>:"|?*%]/gu;
// C0/C1 controls, NUL, bidi overrides and zero-width characters that make names lie.
const INVISIBLE = /[\p{Cc}\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/** A folder name from a tag: sanitizeName, then a device name (`CON`, `nul.txt`) gets a `_` before it. */
export function sanitizeSegment(raw: string | undefined, fallback: string): string {
  return notReserved(sanitizeName(raw, fallback), MAX_SEGMENT_BYTES);
}

/**
 * A tag made safe for a path segment. Each whitespace character becomes one space, so runs of
 * spaces inside a name stay as tagged (as players and beets show them); the ends are trimmed.
 * No device-name rule: a title is only part of its file's name (see fileSegment).
 */
export function sanitizeName(raw: string | undefined, fallback: string): string {
  if (raw === undefined) return fallback;
  // Lone surrogates cannot be encoded in a URL or UTF-8: make them U+FFFD first.
  let s = raw
    .replace(/\p{Cs}/gu, '\ufffd')
    .normalize('NFKC')
    .replace(INVISIBLE, '')
    .replace(SEPARATORS, '_');
  s = s.replace(/\s/gu, ' ').trim();
  s = truncateUtf8(s, MAX_SEGMENT_BYTES);
  // Windows drops trailing dots and spaces; a name of dots alone would be `.` or `..`.
  s = s.replace(/[. ]+$/u, '');
  return s === '' ? fallback : s;
}

/** `name`, or `_name` within `max` bytes when the whole of it is a Windows device name. */
function notReserved(name: string, max: number): string {
  return WINDOWS_RESERVED.test(name) ? truncateUtf8(`_${name}`, max).replace(/[. ]+$/u, '') : name;
}

/** Cuts to at most `max` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, max: number): string {
  if (Buffer.byteLength(s, 'utf8') <= max) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * File extension from the container detected in the bytes (and codec: Opus in Ogg is `.opus`),
 * else `bin`. Never the URL's: a store that names a file `x.html` must not have it saved as one.
 */
export function extensionFor(container: string | undefined, codec?: string): string {
  return audioFormatOf(container, codec)?.ext ?? 'bin';
}

export interface TrackKeyInput {
  readonly userId: string;
  readonly serviceTrackId: number;
  readonly tags: KeyTags;
  readonly ext: string;
  /** 1 for the plain name; n ≥ 2 appends ` (n)` when another track already holds the name. */
  readonly attempt?: number;
  /** The collision suffix itself (see collisionSuffix); wins over `attempt`. */
  readonly suffix?: string;
  /**
   * The artist and album folders as the user's Music folder already spells them (see
   * musicFolders): the first track filed in a folder names it for every later one.
   */
  readonly folders?: MusicFolders;
}

/** A track's two folders below `Music/`. */
export interface MusicFolders {
  readonly artist: string;
  readonly album: string;
}

/** The folders a track's own tags give, before the user's folder has its say. */
export function musicFolders(tags: KeyTags): MusicFolders {
  return { artist: artistFolder(tags), album: sanitizeSegment(tags.album, 'Unknown Album') };
}

export function musicPrefix(userId: string): string {
  return `users/${userId}/Music/`;
}

/** The artist folder: `Compilations` for a compilation, else the album artist, else the track artist. */
export function artistFolder(tags: KeyTags): string {
  if (isCompilation(tags)) return COMPILATIONS_FOLDER;
  // An album artist of blanks names nothing: the track artist does.
  return sanitizeSegment(tags.albumArtist, '') || sanitizeSegment(tags.artist, 'Unknown Artist');
}

/** `<disc>-` before the track number on an album of several discs, else nothing. */
export function discPrefix(tags: KeyTags): string {
  const d = tags.discNumber;
  return isMultiDisc(tags) && d !== undefined && Number.isInteger(d) && d > 0 && d < 1000 ? `${d}-` : '';
}

/**
 * `{Album artist, else artist}/{Album}/{NN Title}.{ext}`; compilations under
 * `Compilations/{Album}/`; on an album of several discs `{disc}-{NN Title}`.
 */
export function trackKey(input: TrackKeyInput): string {
  const { artist, album } = input.folders ?? musicFolders(input.tags);
  const title = sanitizeName(input.tags.title, `Track ${input.serviceTrackId}`);
  const n = input.tags.trackNumber;
  const number =
    n !== undefined && Number.isInteger(n) && n > 0 && n < 1000
      ? `${discPrefix(input.tags)}${String(n).padStart(2, '0')} `
      : '';
  const suffix = input.suffix ?? (input.attempt && input.attempt > 1 ? ` (${input.attempt})` : '');
  const ext = /^[a-z0-9]{1,5}$/.test(input.ext) ? input.ext : 'bin';
  return `${musicPrefix(input.userId)}${artist}/${album}/${fileSegment(`${number}${title}`, suffix, ext, `Track ${input.serviceTrackId}`)}`;
}

/**
 * `{stem}{suffix}.{ext}` within MAX_SEGMENT_BYTES, suffix and extension included: the stem
 * gives way, never the suffix that makes the name unique. A `_` goes before the stem only when
 * the whole base name is a device name (`PRN.flac`), never for one inside it (`01 PRN.flac`).
 */
export function fileSegment(stem: string, suffix: string, ext: string, fallback: string): string {
  const room = MAX_SEGMENT_BYTES - Buffer.byteLength(`${suffix}.${ext}`, 'utf8');
  const cut = truncateUtf8(stem, room).replace(/[. ]+$/u, '') || truncateUtf8(fallback, room);
  return `${suffix === '' ? notReserved(cut, room) : cut}${suffix}.${ext}`;
}

/** The album folder's cover beside a track: `Folder.jpg`, or `Folder.png` for a PNG. */
export function coverKeyFor(trackKey: string, mimeType: 'image/jpeg' | 'image/png'): string {
  return `${trackKey.slice(0, trackKey.lastIndexOf('/') + 1)}Folder.${mimeType === 'image/png' ? 'png' : 'jpg'}`;
}

/**
 * The identity of a key for collision checks: file systems on Windows and macOS ignore case, so
 * two names that differ only in case would clash when the folder syncs to a PC.
 */
export function keyIdentity(key: string): string {
  // Final sigma lower-cases to ς, but file systems fold Σ, σ and ς alike.
  return key.normalize('NFKC').toLowerCase().replace(/ς/g, 'σ');
}
