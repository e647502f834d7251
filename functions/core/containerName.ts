/**
 * A container as a library item names it: the tag reader's own name (music-metadata's
 * `format.container`, which lists MP4's brands, `M4A/isom/iso2`, and ASF's kind, `ASF/audio`)
 * made plain and stable: `MPEG`, `FLAC`, `MP4`, `Ogg`, `WAVE`, `AIFF`, `ASF`, `ADTS`…
 */
export function containerName(parsed: string | undefined): string | undefined {
  const first = parsed?.split('/')[0]?.trim();
  if (!first) return undefined;
  return /^(m4a|m4b|m4p|mp4[12]?|isom|iso[2-9]|dash|3gp[0-9]?|mov)$/i.test(first) ? 'MP4' : first;
}
