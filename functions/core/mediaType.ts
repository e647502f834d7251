/** Media types of the formats a Music folder holds, by extension: the fallback when a row has none. */
const byExtension: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  wma: 'audio/x-ms-wma',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/** The item's own type when it is a real one, else the one its extension names. */
export function mediaTypeOf(key: string, recorded?: string): string {
  if (recorded && /^[\w.+-]+\/[\w.+-]+$/.test(recorded) && recorded !== 'application/octet-stream') return recorded;
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return byExtension[ext] ?? 'application/octet-stream';
}
