/**
 * Small, real, tagged audio files made on the spot: MP3 (ID3v2.4 + silent MPEG-1 Layer III
 * frames) and WAV (PCM + RIFF INFO tags). The demo store serves them and the tests check that
 * trackdrop reads their tags back; nothing is downloaded.
 */
export interface AudioTags {
  readonly title?: string;
  readonly artist?: string;
  readonly album?: string;
  readonly albumArtist?: string;
  readonly trackNumber?: number;
  /** Embedded front cover (ID3v2 APIC), a JPEG. */
  readonly coverJpeg?: Buffer;
  /** Embedded front cover of any bytes, under the MIME type its frame claims (a hostile store's). */
  readonly cover?: { readonly data: Buffer; readonly claimedType: string };
}

// 128 kbit/s, 44.1 kHz, mono, no CRC: 417-byte frames of 1152 samples.
const MP3_FRAME_HEADER = Buffer.from([0xff, 0xfb, 0x90, 0xc0]);
const MP3_FRAME_BYTES = 417;

/** An MP3 tagged up front (ID3v2.4), or, with `id3v1`, only at its end, as old rips are. */
export function makeMp3(tags: AudioTags, seconds = 1, opts: { id3v1?: boolean } = {}): Buffer {
  const frames = Math.max(1, Math.round((seconds * 44_100) / 1152));
  const frame = Buffer.alloc(MP3_FRAME_BYTES);
  MP3_FRAME_HEADER.copy(frame);
  const audio = Array.from({ length: frames }, () => frame);
  return opts.id3v1 ? Buffer.concat([...audio, id3v1(tags)]) : Buffer.concat([id3v24(tags), ...audio]);
}

/** ID3v1.1: 128 bytes at the end, Latin-1, 30 bytes a field, the track number in the comment's last byte. */
function id3v1(tags: AudioTags): Buffer {
  const b = Buffer.alloc(128);
  b.write('TAG', 0, 'latin1');
  b.write((tags.title ?? '').slice(0, 30), 3, 'latin1');
  b.write((tags.artist ?? '').slice(0, 30), 33, 'latin1');
  b.write((tags.album ?? '').slice(0, 30), 63, 'latin1');
  b[126] = tags.trackNumber ?? 0;
  b[127] = 255;
  return b;
}

function id3v24(tags: AudioTags): Buffer {
  const frames: Buffer[] = [];
  const text = (id: string, value: string | undefined) => {
    if (value === undefined) return;
    const content = Buffer.concat([Buffer.from([0x03]), Buffer.from(value, 'utf8')]);
    frames.push(Buffer.concat([Buffer.from(id, 'latin1'), syncsafe(content.length), Buffer.from([0, 0]), content]));
  };
  text('TIT2', tags.title);
  text('TPE1', tags.artist);
  text('TPE2', tags.albumArtist);
  text('TALB', tags.album);
  text('TRCK', tags.trackNumber === undefined ? undefined : String(tags.trackNumber));
  const cover = tags.cover ?? (tags.coverJpeg && { data: tags.coverJpeg, claimedType: 'image/jpeg' });
  if (cover) {
    // Latin-1 encoding, MIME type, picture type 3 (front cover), empty description, the image.
    const content = Buffer.concat([
      Buffer.from([0x00]),
      Buffer.from(`${cover.claimedType}\0`, 'latin1'),
      Buffer.from([0x03, 0x00]),
      cover.data,
    ]);
    frames.push(Buffer.concat([Buffer.from('APIC', 'latin1'), syncsafe(content.length), Buffer.from([0, 0]), content]));
  }
  const body = Buffer.concat(frames);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0]), syncsafe(body.length), body]);
}

function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

/** 8 kHz 16-bit mono PCM silence with a LIST/INFO chunk. */
export function makeWav(tags: AudioTags, seconds = 1): Buffer {
  const data = Buffer.alloc(Math.max(2, Math.round(seconds * 8000)) * 2);
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(8000, 4);
  fmt.writeUInt32LE(16_000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const info: Buffer[] = [Buffer.from('INFO', 'latin1')];
  const add = (id: string, value: string | undefined) => {
    // RIFF INFO text is Latin-1.
    if (value !== undefined) info.push(chunk(id, Buffer.from(`${value}\0`, 'latin1')));
  };
  add('INAM', tags.title);
  add('IART', tags.artist);
  add('IPRD', tags.album);
  add('ITRK', tags.trackNumber === undefined ? undefined : String(tags.trackNumber));
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    chunk('fmt ', fmt),
    chunk('LIST', Buffer.concat(info)),
    chunk('data', data),
  ]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32(body.length), body]);
}

function chunk(id: string, payload: Buffer): Buffer {
  const pad = payload.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0);
  return Buffer.concat([Buffer.from(id, 'latin1'), u32(payload.length), payload, pad]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}
