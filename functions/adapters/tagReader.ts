import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type IRangeRequestClient, type IRangeRequestResponse, parseContentRange } from '@tokenizer/range';
import type { ICommonTagsResult } from 'music-metadata';
import { isCompilation, truncateUtf8 } from '../core/keyLayout.js';
import { imageTypeOf } from '../core/mediaType.js';
import type { TrackTags } from '../core/trackTags.js';
import { type AsfFacts, readAsfHeader } from './asfHeader.js';
import { findId3v2, id3v2TagAlone, type ReadBytes, readId3v2Text } from './id3v2Text.js';
import type { ParsedMetadata } from './tagParse/parseMessages.js';
import { type TagParser, TagParseTimeout } from './tagParse/tagParser.js';

/**
 * Tags and format as read. `container` is music-metadata's own name (`MPEG`, `M4A/isom/iso2`,
 * `ASF/audio`…), what the file extension and the audio check go by; a library item names it
 * plainly (containerName).
 */
export type ReadTags = TrackTags;

/** An embedded front cover, for the album folder's `Folder.jpg` / `Folder.png`. */
export interface Cover {
  readonly data: Uint8Array;
  readonly mimeType: 'image/jpeg' | 'image/png';
}

export interface ObjectFacts {
  readonly size: number;
  readonly contentType?: string | undefined;
  readonly tags: ReadTags;
  readonly cover?: Cover | undefined;
}

/** The largest cover kept: a bigger picture is not written to the album folder. */
export const MAX_COVER_BYTES = 2 * 1024 * 1024;

/** One 64 KiB read usually covers ID3v2, FLAC and RIFF headers with their tags. */
const CHUNK = 64 * 1024;

/** Bytes a tag read with covers may fetch in all, beyond which covers are skipped. */
const COVER_READ_BUDGET = 2 * MAX_COVER_BYTES;

class ReadBudgetExceeded extends Error {
  override readonly name = 'ReadBudgetExceeded';
}

export class SourceNotFoundError extends Error {
  override readonly name = 'SourceNotFoundError';
}

/**
 * Reads an object's size, type and tags where it lies in S3, with ranged GETs: the first one
 * answers size and type as well, so no HeadObject is needed, and only the header blocks (and,
 * for ID3v1 or APE, the tail) travel, never the whole file. Unreadable tags are not an error:
 * the file still lands, under fallback names. A parse past its deadline is (TagParseTimeout).
 */
export async function readObjectFacts(
  s3: S3Client,
  parser: TagParser,
  bucket: string,
  key: string,
  onTagError?: (err: unknown) => void,
): Promise<ObjectFacts> {
  const client = new S3RangeClient(s3, bucket, key);
  // The tokenizer's own first read is [0, CHUNK] (it rounds up by a byte): ask for that, once.
  const first = await client.getResponse('GET', [0, CHUNK]);
  const facts = { size: first.size, contentType: client.contentType };
  const read = async (from: number, to: number) => {
    const res = await client.getResponse('GET', [from, to]);
    return { bytes: new Uint8Array(await res.arrayBuffer()), size: res.size };
  };
  try {
    // Covers are read too (the parser asks for a picture's bytes only, as its block says), within
    // a budget: a file whose pictures would cost more is read again without them.
    client.budget = COVER_READ_BUDGET;
    let meta: ParsedMetadata;
    let skipCovers = false;
    try {
      meta = await parser.parseRanged(first.size, read, skipCovers);
    } catch (err) {
      // By name: the error comes back from the parser's thread, and bundling renames classes.
      if (!(err instanceof Error && err.name === 'ReadBudgetExceeded')) throw err;
      client.budget = undefined;
      skipCovers = true;
      meta = await parser.parseRanged(first.size, read, skipCovers);
    }
    const cached: ReadBytes = (at, n) => client.cached(at, n);
    meta = await withId3v2First(parser, meta, cached, first.size, skipCovers);
    const asf = asfFacts(meta, cached);
    return { ...facts, tags: toTags(meta, cached, first.size, asf), cover: coverOf(meta, asf) };
  } catch (err) {
    // S3 failing (throttled, reset) is not an unreadable file: let the attempt be retried rather
    // than store the track, for good, under fallback names.
    if (client.readFailure) throw client.readFailure;
    if (err instanceof TagParseTimeout) throw err;
    onTagError?.(err);
    return { ...facts, tags: {} };
  }
}

/**
 * Tags from the head of a file still on its way in, to name it before it is uploaded: those a
 * file carries up front (ID3v2, FLAC, RIFF INFO). Undefined when the head does not tell.
 */
export async function tagsFromHead(parser: TagParser, head: Buffer): Promise<ReadTags | undefined> {
  try {
    // The bytes say what the file is, as a player finds out: a store's Content-Type may be wrong
    // (audio/mpeg on a FLAC would have it parsed as MPEG), so it is no hint here.
    const read: ReadBytes = (at, n) => (at + n <= head.length ? head.subarray(at, at + n) : undefined);
    const meta = await withId3v2First(parser, await parser.parseBuffer(head, true), read, head.length, true);
    return toTags(meta, read, head.length, asfFacts(meta, read));
  } catch (err) {
    if (err instanceof TagParseTimeout) throw err;
    return undefined;
  }
}

/** Longest text kept of one tag value, and most values kept of a list: a library row stays far below 400 KB. */
const MAX_VALUE_BYTES = 1024;
const MAX_VALUES = 16;

/** How players show several values of one tag (Windows Media Player's own separator). */
export const VALUE_SEPARATOR = '; ';

/**
 * The parse with the ID3v2 tag's own reading winning, where music-metadata 11.16.1 errs: it lets
 * ID3v1 overwrite ID3v2's track, disc and (ID3v2.4) year, which skip its tag priority, and it
 * ignores ID3v2.2/2.3's tag-wide unsynchronisation flag, losing frames and the cover. The tag
 * alone, resynchronised, is parsed again; ID3v1 only fills what it lacks, as mutagen does.
 */
async function withId3v2First(
  parser: TagParser,
  meta: ParsedMetadata,
  read: ReadBytes,
  size: number,
  skipCovers: boolean,
): Promise<ParsedMetadata> {
  const at = findId3v2(read, size);
  const tag = at === undefined ? undefined : id3v2TagAlone(read, at);
  if (!tag || !(tag.unsynchronised || meta.format.tagTypes.includes('ID3v1'))) return meta;
  let alone: ParsedMetadata;
  try {
    // A tag without audio after it: only the type says to read it as an MP3's.
    alone = await parser.parseBuffer(tag.bytes, skipCovers, 'audio/mpeg');
  } catch (err) {
    if (err instanceof TagParseTimeout) throw err;
    return meta;
  }
  const own = alone.common;
  const common: ICommonTagsResult = {
    ...meta.common,
    ...defined(own),
    track: own.track.no !== null ? own.track : meta.common.track,
    disk: own.disk.no !== null ? own.disk : meta.common.disk,
  };
  return { format: meta.format, common };
}

/** The ASF header's own facts, for an ASF file. */
function asfFacts(meta: ParsedMetadata, read: ReadBytes): AsfFacts | undefined {
  return /^asf/i.test(meta.format.container ?? '') ? readAsfHeader(read) : undefined;
}

/** Opus always decodes at 48 kHz; its header's rate is the encoder's input, for information (RFC 7845, 5.1). */
const OPUS_RATE = 48_000;

function toTags(meta: ParsedMetadata, read: ReadBytes, size: number, asf: AsfFacts | undefined): ReadTags {
  const c = meta.common;
  const f = meta.format;
  // ID3v2 text frames as the file holds them (music-metadata splits ID3v2.2/2.3 at '/' and trims).
  const id3 = f.tagTypes.some((t) => /^ID3v2\.[234]$/.test(t)) ? raw(read, size) : undefined;
  const artists = list(id3?.get('TPE1') ?? c.artists ?? (c.artist ? [c.artist] : undefined));
  const albumArtists = list(id3?.get('TPE2') ?? c.albumartists ?? (c.albumartist ? [c.albumartist] : undefined));
  const genres = list(c.genre);
  const tags = {
    title: text(id3?.get('TIT2')?.join(VALUE_SEPARATOR) ?? c.title),
    artist: joined(artists),
    artists,
    albumArtist: joined(albumArtists),
    albumArtists,
    album: text(id3?.get('TALB')?.join(VALUE_SEPARATOR) ?? c.album),
    trackNumber: count(c.track.no),
    trackTotal: count(c.track.of),
    discNumber: count(c.disk.no),
    discTotal: count(c.disk.of),
    year: count(c.year),
    genre: joined(genres),
    genres,
    durationSeconds: f.duration !== undefined ? Math.round(f.duration * 1000) / 1000 : undefined,
    codec: text(f.codec),
    container: f.container,
    bitrate:
      pcmBitrate(meta) ?? (f.bitrate !== undefined && Number.isFinite(f.bitrate) ? Math.round(f.bitrate) : undefined),
    sampleRate: f.codec === 'Opus' ? OPUS_RATE : count(f.sampleRate ?? asf?.sampleRate),
    channels: count(f.numberOfChannels ?? asf?.channels),
    lossless: f.lossless ?? (f.codec ? /lossless/i.test(f.codec) : undefined),
    replayGain: defined({
      trackGain: finite(c.replaygain_track_gain?.dB),
      trackPeak: finite(c.replaygain_track_peak?.ratio),
      albumGain: finite(c.replaygain_album_gain?.dB),
      albumPeak: finite(c.replaygain_album_peak?.ratio),
    }),
    musicBrainz: defined({
      recordingId: text(c.musicbrainz_recordingid),
      trackId: text(c.musicbrainz_trackid),
      albumId: text(c.musicbrainz_albumid),
      releaseGroupId: text(c.musicbrainz_releasegroupid),
      artistIds: list(c.musicbrainz_artistid),
      albumArtistIds: list(c.musicbrainz_albumartistid),
    }),
  };
  const compilation = c.compilation || asf?.compilation;
  return { ...tags, compilation: isCompilation({ compilation, albumArtist: tags.albumArtist }) };
}

/**
 * Uncompressed PCM plays at exactly rate × bits × channels. music-metadata divides the audio
 * chunk's bytes by the duration instead, counting the header of AIFF's SSND chunk (352,864 for
 * 352,800 on the corpus' AIFF).
 */
function pcmBitrate(meta: ParsedMetadata): number | undefined {
  const f = meta.format;
  if (!/^PCM\b/.test(f.codec ?? '')) return undefined;
  const [rate, bits, channels] = [count(f.sampleRate), count(f.bitsPerSample), count(f.numberOfChannels)];
  return rate && bits && channels ? rate * bits * channels : undefined;
}

function raw(read: ReadBytes, size: number): Map<string, string[]> | undefined {
  const at = findId3v2(read, size);
  return at === undefined ? undefined : readId3v2Text(read, at);
}

/** A value as tagged, bounded in length; an empty one is no value. */
function text(v: string | undefined): string | undefined {
  return v ? truncateUtf8(v, MAX_VALUE_BYTES) : undefined;
}

function list(values: readonly (string | undefined)[] | undefined): string[] | undefined {
  const kept = (values ?? [])
    .map(text)
    .filter((v): v is string => v !== undefined)
    .slice(0, MAX_VALUES);
  return kept.length > 0 ? kept : undefined;
}

function joined(values: readonly string[] | undefined): string | undefined {
  return values ? text(values.join(VALUE_SEPARATOR)) : undefined;
}

function count(n: number | null | undefined): number | undefined {
  return n !== null && n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

function finite(n: number | undefined): number | undefined {
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/** The object without its undefined fields, or undefined when nothing is left. */
function defined<T extends object>(o: T): T | undefined {
  const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length > 0 ? (kept as T) : undefined;
}

/** The front cover (else the first picture), when its bytes are a JPEG or PNG of bounded size. */
function coverOf(meta: ParsedMetadata, asf: AsfFacts | undefined): Cover | undefined {
  // An ASF file's pictures as its header holds them (see asfHeader): music-metadata's are cut wrong.
  const pictures = asf ? asf.pictures : (meta.common.picture ?? []);
  // Not music-metadata's selectCover: it throws on an empty list and, testing names with `in`
  // on an array, never finds the front cover.
  const pic = pictures.find((p) => p.type === 'Cover (front)') ?? pictures[0];
  if (!pic || pic.data.length === 0 || pic.data.length > MAX_COVER_BYTES) return undefined;
  // The bytes say what the picture is: a tag's own label (`image/png` over an SVG) is the store's word.
  const mimeType = imageTypeOf(pic.data);
  return mimeType ? { data: pic.data, mimeType } : undefined;
}

/**
 * Ranged GETs for the tokenizer. Every range fetched is kept, and a request inside one is
 * answered from memory: a file that fits in the first read costs one GET in all.
 */
class S3RangeClient implements IRangeRequestClient {
  private abortController = new AbortController();
  private readonly fetched: { start: number; bytes: Uint8Array }[] = [];
  private size: number | undefined;
  /** The object's Content-Type, kept on the copy; never a hint to the parser. */
  contentType: string | undefined;
  private fetchedBytes = 0;
  /** When set, a read that would bring the bytes fetched past it throws ReadBudgetExceeded. */
  budget: number | undefined;
  /** The first error S3 itself gave, whatever the parser makes of it. */
  readFailure: unknown;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
  ) {}

  async getResponse(_method: string, range?: [number, number]): Promise<IRangeRequestResponse> {
    const [from, rawTo] = range ?? [0, Number.MAX_SAFE_INTEGER];
    const to = this.size === undefined ? rawTo : Math.min(rawTo, this.size - 1);
    const hit = this.fetched.find((f) => f.start <= from && f.start + f.bytes.length - 1 >= to);
    if (hit) return this.response(from, hit.bytes.subarray(from - hit.start, to - hit.start + 1));
    if (this.budget !== undefined && this.fetchedBytes + (to - from + 1) > this.budget) {
      throw new ReadBudgetExceeded(`reading ${to - from + 1} more bytes would pass the ${this.budget}-byte budget`);
    }
    try {
      const out = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.key, Range: `bytes=${from}-${to}` }),
        {
          abortSignal: this.abortController.signal,
        },
      );
      const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      const contentRange = out.ContentRange ? parseContentRange(out.ContentRange) : undefined;
      this.size = contentRange?.instanceLength ?? out.ContentLength ?? bytes.length;
      this.contentType = out.ContentType;
      this.fetched.push({ start: from, bytes });
      this.fetchedBytes += bytes.length;
      return this.response(from, bytes);
    } catch (err) {
      // A range from 0 that cannot be satisfied: the object is empty (S3 answers 416 InvalidRange).
      if (from === 0 && err instanceof Error && err.name === 'InvalidRange') {
        this.size = 0;
        return this.response(0, new Uint8Array());
      }
      const missing = err instanceof Error && (err.name === 'NoSuchKey' || err.name === 'NotFound');
      const failure = missing ? new SourceNotFoundError(`s3://${this.bucket}/${this.key} does not exist`) : err;
      this.readFailure ??= failure;
      throw failure;
    }
  }

  /** Bytes already fetched at [from, from + length), joined across adjacent reads; undefined if not all were. */
  cached(from: number, length: number): Uint8Array | undefined {
    const takes: Uint8Array[] = [];
    for (let at = from; at < from + length; ) {
      const piece = this.fetched.find((f) => f.start <= at && f.start + f.bytes.length > at);
      if (!piece) return undefined; // checked before anything is allocated: a header may claim any size
      const take = piece.bytes.subarray(at - piece.start, Math.min(piece.bytes.length, from + length - piece.start));
      takes.push(take);
      at += take.length;
    }
    return takes.length === 1 ? takes[0] : Buffer.concat(takes);
  }

  private response(from: number, bytes: Uint8Array): IRangeRequestResponse {
    const size = this.size ?? bytes.length;
    return {
      size,
      // No type for the parser: it detects the format from the bytes (see tagsFromHead).
      mimeType: undefined,
      acceptPartialRequests: true,
      contentRange: { firstBytePosition: from, lastBytePosition: from + bytes.length - 1, instanceLength: size },
      arrayBuffer: async () => bytes,
    };
  }

  abort(): void {
    this.abortController.abort();
    // A second parse (without covers) may follow on this client: its reads start afresh.
    this.abortController = new AbortController();
  }
}
