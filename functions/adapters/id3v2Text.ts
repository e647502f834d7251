/**
 * ID3v2 text frames as the file holds them, for the few frames that name a track.
 *
 * music-metadata reads everything else, but it splits ID3v2.2/2.3 artist frames at `/` (the
 * specification's separator, which no player honours: "AC/DC" would be two artists) and trims
 * the values. Players (Windows Media Player, iTunes) take an ID3v2.3 frame whole; ID3v2.4
 * separates values with NUL, and so do some ID3v2.3 writers. Nothing here trims a value.
 */

/** Bytes of the file at [offset, offset + length), or undefined when they were not read. */
export type ReadBytes = (offset: number, length: number) => Uint8Array | undefined;

/** The frames read raw: title, artists, album artists, album. */
const FRAMES = new Set(['TIT2', 'TPE1', 'TPE2', 'TALB']);
/** ID3v2.2's names for them (old iTunes files). */
const V22: Readonly<Record<string, string>> = { TT2: 'TIT2', TP1: 'TPE1', TP2: 'TPE2', TAL: 'TALB' };

/** Where an ID3v2 tag starts: at 0 (MP3, and AAC/FLAC files that carry one), or in an AIFF or WAV chunk. */
export function findId3v2(read: ReadBytes, size: number): number | undefined {
  const head = read(0, 12);
  if (!head) return undefined;
  if (ascii(head, 0, 3) === 'ID3') return 0;
  const form = ascii(head, 0, 4);
  const bigEndian = form === 'FORM';
  if (!bigEndian && form !== 'RIFF') return undefined;
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  // Chunks: 4-byte id, 4-byte length (big-endian in AIFF, little in RIFF), padded to even.
  for (let pos = 12, n = 0; pos + 8 <= size && n < 256; n++) {
    const h = read(pos, 8);
    if (!h) return undefined;
    if (ascii(h, 0, 4).toUpperCase() === 'ID3 ') return pos + 8;
    const length = view(h).getUint32(4, !bigEndian);
    pos += 8 + length + (length & 1);
  }
  return undefined;
}

/** The text frames of the ID3v2.2/2.3/2.4 tag at `offset`, each frame's values in order; undefined if none is readable. */
export function readId3v2Text(read: ReadBytes, offset: number): Map<string, string[]> | undefined {
  const header = read(offset, 10);
  if (!header || ascii(header, 0, 3) !== 'ID3') return undefined;
  const major = byteAt(header, 3);
  if (major < 2 || major > 4) return undefined;
  const flags = byteAt(header, 5);
  let body = read(offset + 10, syncsafe(header, 6));
  if (!body) return undefined;
  // ID3v2.2/2.3 unsynchronise the whole tag; ID3v2.4 each frame (and says so in the frame's flags).
  if (major < 4 && flags & 0x80) body = resync(body);
  if (major === 2) return readV22(body);
  let pos = 0;
  if (flags & 0x40) pos = major === 3 ? 4 + u32(body, 0) : syncsafe(body, 0);
  const frames = new Map<string, string[]>();
  while (pos + 10 <= body.length) {
    const id = ascii(body, pos, 4);
    if (!/^[A-Z0-9]{4}$/.test(id)) break; // padding
    const size = major === 4 ? syncsafe(body, pos + 4) : u32(body, pos + 4);
    const frameFlags = byteAt(body, pos + 9);
    let data = body.subarray(pos + 10, pos + 10 + size);
    pos += 10 + size;
    if (!FRAMES.has(id)) continue;
    if (major === 3) {
      if (frameFlags & 0xc0) continue; // compressed or encrypted: left to music-metadata
      if (frameFlags & 0x20) data = data.subarray(1); // group id
    } else {
      if (frameFlags & 0x0c) continue;
      if (frameFlags & 0x40) data = data.subarray(1);
      if (frameFlags & 0x01) data = data.subarray(4); // data length indicator
      if (frameFlags & 0x02 || flags & 0x80) data = resync(data);
    }
    const values = decodeText(data);
    if (values.length > 0) frames.set(id, [...(frames.get(id) ?? []), ...values]);
  }
  return frames.size > 0 ? frames : undefined;
}

/**
 * The ID3v2 tag at `offset` on its own, with ID3v2.2/2.3's tag-wide unsynchronisation undone
 * and its flag cleared (`unsynchronised` says whether it was set), for the parser to read again;
 * undefined when the tag was not all read.
 */
export function id3v2TagAlone(
  read: ReadBytes,
  offset: number,
): { bytes: Uint8Array; unsynchronised: boolean } | undefined {
  const header = read(offset, 10);
  if (!header || ascii(header, 0, 3) !== 'ID3') return undefined;
  const body = read(offset + 10, syncsafe(header, 6));
  if (!body) return undefined;
  const flags = byteAt(header, 5);
  const unsynchronised = byteAt(header, 3) < 4 && (flags & 0x80) !== 0;
  const kept = unsynchronised ? resync(body) : body;
  const n = kept.length;
  const out = new Uint8Array(10 + n);
  out.set(header.subarray(0, 10));
  out.set([unsynchronised ? flags & ~0x80 : flags, (n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f], 5);
  out.set(kept, 10);
  return { bytes: out, unsynchronised };
}

/** ID3v2.2: 3-character ids, 3-byte sizes, no frame flags (compression was never defined). */
function readV22(body: Uint8Array): Map<string, string[]> | undefined {
  const frames = new Map<string, string[]>();
  for (let pos = 0; pos + 6 <= body.length; ) {
    const id = ascii(body, pos, 3);
    if (!/^[A-Z0-9]{3}$/.test(id)) break;
    const size = (byteAt(body, pos + 3) << 16) | (byteAt(body, pos + 4) << 8) | byteAt(body, pos + 5);
    const name = V22[id];
    if (name) {
      const values = decodeText(body.subarray(pos + 6, pos + 6 + size));
      if (values.length > 0) frames.set(name, [...(frames.get(name) ?? []), ...values]);
    }
    pos += 6 + size;
  }
  return frames.size > 0 ? frames : undefined;
}

/** A text frame's values: split at NUL, the terminator and padding dropped, nothing trimmed. */
function decodeText(data: Uint8Array): string[] {
  if (data.length < 1) return [];
  const encoding = byteAt(data, 0);
  const bytes = data.subarray(1);
  const wide = encoding === 1 || encoding === 2;
  const parts: Uint8Array[] = [];
  let start = 0;
  const step = wide ? 2 : 1;
  for (let i = 0; i + step <= bytes.length; i += step) {
    if (bytes[i] === 0 && (!wide || bytes[i + 1] === 0)) {
      parts.push(bytes.subarray(start, i));
      start = i + step;
    }
  }
  parts.push(bytes.subarray(start));
  return parts.map((p) => decode(p, encoding)).filter((v) => v !== '');
}

function decode(b: Uint8Array, encoding: number): string {
  switch (encoding) {
    case 0:
      return Buffer.from(b).toString('latin1');
    case 1: {
      // Each value has its own byte-order mark; without one, little-endian (what writers use).
      const be = b.length >= 2 && b[0] === 0xfe && b[1] === 0xff;
      return new TextDecoder(be ? 'utf-16be' : 'utf-16le').decode(b);
    }
    case 2:
      return new TextDecoder('utf-16be').decode(b);
    default:
      return new TextDecoder('utf-8').decode(b);
  }
}

/** Undoes unsynchronisation: every 0xFF 0x00 was written for a 0xFF. */
function resync(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    out.push(byteAt(b, i));
    if (b[i] === 0xff && b[i + 1] === 0x00) i++;
  }
  return Uint8Array.from(out);
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}

function syncsafe(b: Uint8Array, at: number): number {
  return (
    ((byteAt(b, at) & 0x7f) << 21) |
    ((byteAt(b, at + 1) & 0x7f) << 14) |
    ((byteAt(b, at + 2) & 0x7f) << 7) |
    (byteAt(b, at + 3) & 0x7f)
  );
}

function u32(b: Uint8Array, at: number): number {
  return ((byteAt(b, at) << 24) >>> 0) + (byteAt(b, at + 1) << 16) + (byteAt(b, at + 2) << 8) + byteAt(b, at + 3);
}

/** The byte at `at`; one past the end reads as 0 (callers check lengths before reading a field). */
function byteAt(b: Uint8Array, at: number): number {
  return b[at] ?? 0;
}
