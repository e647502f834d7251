import { audioFormatOf, audioMediaTypeByExtension, audioMediaTypes } from './audioContainer.js';

/** The extensions trackdrop itself names files with (audio by the formats' table, covers as Folder.jpg/png), for an item that predates its container's record. */
const byExtension: ReadonlyMap<string, string> = new Map([
  ...audioMediaTypeByExtension,
  ['jpg', 'image/jpeg'],
  ['png', 'image/png'],
]);

/**
 * The Content-Type a stored file is served as: the one its detected container names, else the
 * one trackdrop's own extension names, else a download. Never a type the store sent, which could
 * be `text/html` and make a listener's browser run what a tag holds.
 */
export function servedMediaType(key: string, container?: string, codec?: string): string {
  const detected = audioFormatOf(container, codec)?.mediaType;
  if (detected) return detected;
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return byExtension.get(ext) ?? 'application/octet-stream';
}

/** Is this a type a library item's file may be served as (an audio format's)? */
export const isAudioMediaType = (type: string): boolean => audioMediaTypes.has(type);

/** Covers are JPEG or PNG as their first bytes show, whatever a tag calls them; anything else is no cover. */
export function imageTypeOf(bytes: Uint8Array): 'image/jpeg' | 'image/png' | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= png.length && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}
