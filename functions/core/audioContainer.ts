/**
 * The audio formats a music library holds, by the container the tag reader names in a file's
 * bytes (music-metadata's `format.container`, or its first part as a library item keeps it):
 * the one table for whether a file is delivered, the extension it is named with, and the
 * Content-Type it is stored and served as. A file whose bytes name none of these (an HTML page,
 * a gzip archive, an empty body) is not delivered, whatever its URL or Content-Type says; and
 * no store's label ever decides how a listener's browser treats the file.
 */
export interface AudioFormat {
  readonly ext: string;
  readonly mediaType: string;
}

const FORMATS: readonly (readonly [RegExp, AudioFormat])[] = [
  [/^mpeg$/i, { ext: 'mp3', mediaType: 'audio/mpeg' }], // MP3, MP2
  [/^wave?$/i, { ext: 'wav', mediaType: 'audio/wav' }],
  [/^flac$/i, { ext: 'flac', mediaType: 'audio/flac' }],
  [/^ogg$/i, { ext: 'ogg', mediaType: 'audio/ogg' }], // Vorbis, Opus (see below), FLAC-in-Ogg
  [/^aiff(-c)?$/i, { ext: 'aiff', mediaType: 'audio/aiff' }],
  [/^asf(\/audio)?$/i, { ext: 'wma', mediaType: 'audio/x-ms-wma' }],
  // MP4: music-metadata names the ftyp brands, e.g. `M4A /isom/iso2`, `mp42/isom`; a library item `MP4`.
  [/^(m4a|m4b|m4p|mp4[12]?|isom|iso[2-9]|dash|3gp[0-9]?)\b/i, { ext: 'm4a', mediaType: 'audio/mp4' }],
  [/^adts(\/|$)/i, { ext: 'aac', mediaType: 'audio/aac' }], // raw AAC
  [/^ebml\/webm$/i, { ext: 'webm', mediaType: 'audio/webm' }],
  [/^ebml(\/matroska)?$/i, { ext: 'mka', mediaType: 'audio/x-matroska' }],
  [/^dsf$/i, { ext: 'dsf', mediaType: 'audio/x-dsf' }],
  [/^dsdiff(\/|$)/i, { ext: 'dff', mediaType: 'audio/x-dff' }],
  [/^musepack/i, { ext: 'mpc', mediaType: 'audio/x-musepack' }],
  [/^wavpack$/i, { ext: 'wv', mediaType: 'audio/x-wavpack' }],
  [/^monkey's audio$/i, { ext: 'ape', mediaType: 'audio/x-ape' }],
];

const OPUS: AudioFormat = { ext: 'opus', mediaType: 'audio/ogg' };

/** The format a container (and, for Ogg, its codec: Opus is `.opus`) names, if it is audio. */
export function audioFormatOf(container: string | undefined, codec?: string): AudioFormat | undefined {
  const c = container?.trim();
  if (!c) return undefined;
  const hit = FORMATS.find(([pattern]) => pattern.test(c))?.[1];
  return hit?.ext === 'ogg' && /opus/i.test(codec ?? '') ? OPUS : hit;
}

export function isAudioContainer(container: string | undefined): boolean {
  return audioFormatOf(container) !== undefined;
}

/** The media types the formats above are served as: the only ones a library item's file may carry. */
export const audioMediaTypes: ReadonlySet<string> = new Set(FORMATS.map(([, f]) => f.mediaType));

/** The media type of each extension the table names files with. */
export const audioMediaTypeByExtension: ReadonlyMap<string, string> = new Map(
  [...FORMATS.map(([, f]) => f), OPUS].map((f) => [f.ext, f.mediaType]),
);
