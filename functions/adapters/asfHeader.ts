import type { IPicture } from 'music-metadata';
import type { ReadBytes } from './id3v2Text.js';

/**
 * What an ASF (WMA) header says that music-metadata 11.16.1 gets wrong or leaves out, read from
 * the header bytes themselves:
 * - `WM/Picture`: its parser reads the picture's fields through a DataView over the whole
 *   buffer rather than the attribute's own bytes, so the image starts at the wrong place;
 * - `WM/IsCompilation`: it reads the BOOL as `true` and then keeps only `1` or `'1'` as a flag;
 * - the audio stream's sample rate and channels, which it does not report at all.
 */
export interface AsfFacts {
  readonly pictures: IPicture[];
  readonly compilation?: boolean;
  readonly sampleRate?: number;
  readonly channels?: number;
}

/** GUIDs as the file stores them (the first three fields little-endian). */
const HEADER = guid('75B22630-668E-11CF-A6D9-00AA0062CE6C');
const STREAM_PROPERTIES = guid('B7DC0791-A9B7-11CF-8EE6-00C00C205365');
const AUDIO_MEDIA = guid('F8699E40-5B4D-11CF-A8FD-00805F5C442B');
const EXTENDED_CONTENT_DESCRIPTION = guid('D2D0A440-E307-11D2-97F0-00A0C95EA850');
const HEADER_EXTENSION = guid('5FBF03B5-A92E-11CF-8EE3-00C00C205365');
const METADATA = guid('C5F8CBEA-5BAF-4877-8467-AA8C44FA4CCA');
const METADATA_LIBRARY = guid('44231C94-9498-49D1-A141-1D134E457054');

/** The ASF header at the start of the file; undefined when it is not one or was not all read. */
export function readAsfHeader(read: ReadBytes): AsfFacts | undefined {
  const head = read(0, 30);
  if (!head || !same(head, 0, HEADER)) return undefined;
  const size = u64(head, 16);
  const header = size > 30 && size <= 64 * 1024 * 1024 ? read(0, size) : undefined;
  if (!header) return undefined;
  const facts: { pictures: IPicture[]; compilation?: boolean; sampleRate?: number; channels?: number } = {
    pictures: [],
  };
  const attribute = (name: string, type: number, value: Uint8Array) => {
    if (name === 'WM/Picture' && type === 1) {
      const picture = wmPicture(value);
      if (picture) facts.pictures.push(picture);
    } else if (name === 'WM/IsCompilation') {
      facts.compilation = type === 0 ? /^(1|true)$/i.test(utf16(value)) : value.some((b) => b !== 0);
    }
  };
  for (const [id, body] of objects(header, 30)) {
    if (same(id, 0, STREAM_PROPERTIES) && same(body, 0, AUDIO_MEDIA) && facts.sampleRate === undefined) {
      // Stream type and error correction GUIDs, time offset, then the WAVEFORMATEX after 22 more bytes.
      const format = body.subarray(54);
      if (format.length >= 8) {
        facts.channels = u16(format, 2);
        facts.sampleRate = u32(format, 4);
      }
    } else if (same(id, 0, EXTENDED_CONTENT_DESCRIPTION)) {
      extendedContent(body, attribute);
    } else if (same(id, 0, HEADER_EXTENSION)) {
      // A reserved GUID and word, the size of the data, then objects of their own.
      for (const [inner, innerBody] of objects(body, 22)) {
        if (same(inner, 0, METADATA) || same(inner, 0, METADATA_LIBRARY)) metadataRecords(innerBody, attribute);
      }
    }
  }
  return facts;
}

type Attribute = (name: string, type: number, value: Uint8Array) => void;

/** The objects from `at` on, each as its GUID and its body (after the 24-byte object header). */
function* objects(b: Uint8Array, at: number): Generator<[Uint8Array, Uint8Array]> {
  for (let pos = at; pos + 24 <= b.length; ) {
    const size = u64(b, pos + 16);
    if (size < 24 || pos + size > b.length) return;
    yield [b.subarray(pos, pos + 16), b.subarray(pos + 24, pos + size)];
    pos += size;
  }
}

/** Descriptors: name length, name, value type, value length (16-bit), value. */
function extendedContent(b: Uint8Array, attribute: Attribute): void {
  let pos = 2;
  for (let n = u16(b, 0); n > 0 && pos + 2 <= b.length; n--) {
    const nameLength = u16(b, pos);
    const name = utf16(b.subarray(pos + 2, pos + 2 + nameLength));
    pos += 2 + nameLength;
    if (pos + 4 > b.length) return;
    const type = u16(b, pos);
    const length = u16(b, pos + 2);
    attribute(name, type, b.subarray(pos + 4, pos + 4 + length));
    pos += 4 + length;
  }
}

/** Metadata (Library) records: language or reserved, stream, name length, type, value length (32-bit), name, value. */
function metadataRecords(b: Uint8Array, attribute: Attribute): void {
  let pos = 2;
  for (let n = u16(b, 0); n > 0 && pos + 12 <= b.length; n--) {
    const nameLength = u16(b, pos + 4);
    const type = u16(b, pos + 6);
    const length = u32(b, pos + 8);
    const name = utf16(b.subarray(pos + 12, pos + 12 + nameLength));
    attribute(name, type, b.subarray(pos + 12 + nameLength, pos + 12 + nameLength + length));
    pos += 12 + nameLength + length;
  }
}

/** WM/Picture: picture type, image length, MIME type and description (UTF-16, NUL-ended), the image. */
function wmPicture(b: Uint8Array): IPicture | undefined {
  if (b.length < 5) return undefined;
  const type = b[0];
  const length = u32(b, 1);
  const mimeEnd = nul16(b, 5);
  const descriptionEnd = nul16(b, mimeEnd + 2);
  const start = descriptionEnd + 2;
  if (start + length > b.length) return undefined;
  return {
    format: utf16(b.subarray(5, mimeEnd)).toLowerCase(),
    description: utf16(b.subarray(mimeEnd + 2, descriptionEnd)),
    // ID3v2's picture types, which ASF shares: 3 is the front cover.
    type: type === 3 ? 'Cover (front)' : 'Other',
    data: b.subarray(start, start + length),
  };
}

/** Where the UTF-16 NUL at or after `at` (on a two-byte step) begins; the end of `b` if there is none. */
function nul16(b: Uint8Array, at: number): number {
  let i = at;
  while (i + 1 < b.length && (b[i] !== 0 || b[i + 1] !== 0)) i += 2;
  return Math.min(i, b.length);
}

function utf16(b: Uint8Array): string {
  return new TextDecoder('utf-16le').decode(b).replace(/\0+$/u, '');
}

function guid(text: string): Uint8Array {
  const hex = text.replace(/-/g, '');
  const bytes = Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  // Data1 (4 bytes), Data2 and Data3 (2 each) are stored little-endian, Data4 as is.
  return Uint8Array.from([
    ...bytes.subarray(0, 4).reverse(),
    ...bytes.subarray(4, 6).reverse(),
    ...bytes.subarray(6, 8).reverse(),
    ...bytes.subarray(8),
  ]);
}

function same(b: Uint8Array, at: number, id: Uint8Array): boolean {
  return b.length >= at + id.length && id.every((v, i) => b[at + i] === v);
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}

function u32(b: Uint8Array, at: number): number {
  return (u16(b, at) + u16(b, at + 2) * 0x10000) >>> 0;
}

/** A 64-bit size; anything past 2^53 reads as too large to be real. */
function u64(b: Uint8Array, at: number): number {
  const high = u32(b, at + 4);
  return high > 0x1fffff ? Number.MAX_SAFE_INTEGER : high * 0x1_0000_0000 + u32(b, at);
}
