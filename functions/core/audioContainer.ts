/**
 * Is this a container a music library can hold? The name is the one the tag reader gives
 * (music-metadata's `format.container`); a file whose bytes name none of these (an HTML page,
 * a gzip archive, an empty body) is not delivered, whatever its URL or Content-Type says.
 */
const AUDIO_CONTAINERS: readonly RegExp[] = [
  // As the tag reader names them (its first part of music-metadata's name: `ASF`, `MP4`)…
  /^(asf|mp4|adts|ebml|dsdiff)$/i,
  // …and as music-metadata itself does.
  /^mpeg$/i, // MP3, MP2
  /^adts\//i, // raw AAC
  /^wave?$/i,
  /^flac$/i,
  /^ogg$/i, // Vorbis, Opus, FLAC-in-Ogg
  /^aiff(-c)?$/i,
  /^asf\/audio$/i, // WMA
  /^dsf$/i,
  /^dsdiff\//i,
  /^musepack/i,
  /^wavpack$/i,
  /^monkey's audio$/i,
  /^ebml\/(webm|matroska)$/i,
  // MP4: music-metadata names the ftyp brands, e.g. `M4A /isom/iso2`, `mp42/isom`.
  /^(m4a|m4b|m4p|mp4[12]?|isom|iso[2-9]|dash|3gp[0-9]?)\b/i,
];

export function isAudioContainer(container: string | undefined): boolean {
  const c = container?.trim();
  return c !== undefined && c !== '' && AUDIO_CONTAINERS.some((p) => p.test(c));
}
