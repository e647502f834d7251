import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { findId3v2, readId3v2Text } from '../../functions/adapters/id3v2Text.js';
import { TagParser } from '../../functions/adapters/tagParse/tagParser.js';
import { tagsFromHead } from '../../functions/adapters/tagReader.js';
import { containerName } from '../../functions/core/containerName.js';
import { corpus, corpusBytes, corpusPath } from '../fixtures/audio/corpus.js';
import { expectedFields, mutagenViews } from '../support/mutagenView.js';

const parser = new TagParser({ deadlineMs: 10_000 });
after(() => parser.close());

describe("tags read as players read them, from real encoders' files", () => {
  for (const c of corpus) {
    test(c.file, async () => {
      // Every file announced as audio/mpeg, as a careless origin would: the bytes decide.
      const tags = (await tagsFromHead(parser, corpusBytes(c.file))) as Record<string, unknown> | undefined;
      assert.ok(tags, 'tags read');
      for (const [field, want] of Object.entries(c.library)) {
        if (field === 'coverKey') continue; // the worker's, not the file's
        // The reader gives the parser's own container name; the library item names it plainly.
        const got: unknown = field === 'container' ? containerName(String(tags.container)) : tags[field];
        assert.deepEqual(got, want, field);
      }
      assert.ok(Math.abs(Number(tags.durationSeconds) - c.durationSeconds) <= 0.1, `duration ${tags.durationSeconds}`);
    });
  }
});

describe('a second opinion: mutagen reads each corpus file as trackdrop does, field by field', () => {
  const opinion = mutagenViews(corpus.map((c) => corpusPath(c.file)));
  for (const c of corpus) {
    test(c.file, { skip: 'missing' in opinion ? opinion.missing : false }, async (t) => {
      if (!('views' in opinion)) return;
      const view = opinion.views.get(corpusPath(c.file));
      assert.ok(view, 'mutagen read the file');
      if (!view.tags) t.diagnostic('mutagen reads no tags of this kind (RIFF INFO): stream facts only');
      const tags = (await tagsFromHead(parser, corpusBytes(c.file))) as Record<string, unknown> | undefined;
      assert.ok(tags, 'tags read');
      for (const [field, want] of Object.entries(expectedFields(view))) assert.deepEqual(tags[field], want, field);
      assert.ok(
        Math.abs(Number(tags.durationSeconds) - view.seconds) <= 0.1,
        `duration ${tags.durationSeconds} vs ${view.seconds}`,
      );
    });
  }
});

/** An ID3v2 tag of text frames, built by hand to reach what the encoders do not write. */
function id3(major: 3 | 4, frames: [string, number, Buffer][], flags = 0): Buffer {
  const body = Buffer.concat(
    frames.map(([id, enc, text]) => {
      const data = Buffer.concat([Buffer.from([enc]), text]);
      const size = Buffer.alloc(4);
      if (major === 4)
        size.set([
          (data.length >> 21) & 0x7f,
          (data.length >> 14) & 0x7f,
          (data.length >> 7) & 0x7f,
          data.length & 0x7f,
        ]);
      else size.writeUInt32BE(data.length);
      return Buffer.concat([Buffer.from(id, 'latin1'), size, Buffer.from([0, 0]), data]);
    }),
  );
  const n = body.length;
  return Buffer.concat([
    Buffer.from('ID3', 'latin1'),
    Buffer.from([major, 0, flags, (n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]),
    body,
    Buffer.alloc(16),
  ]);
}

describe('ID3v2 text frames, raw', () => {
  const read = (b: Buffer) => (at: number, n: number) => (at + n <= b.length ? b.subarray(at, at + n) : undefined);

  test('UTF-16 with either byte order, Latin-1 and UTF-8; NUL-separated values; nothing trimmed', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('AC/DC ', 'utf16le'), Buffer.from([0, 0])]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(' Кино', 'utf16le').swap16()]);
    const tag = id3(3, [
      ['TPE1', 1, le],
      ['TPE2', 1, be],
      ['TALB', 0, Buffer.from('Café ', 'latin1')],
      ['TIT2', 3, Buffer.from('A\0B\0', 'utf8')],
    ]);
    const frames = readId3v2Text(read(tag), 0)!;
    assert.deepEqual(frames.get('TPE1'), ['AC/DC ']);
    assert.deepEqual(frames.get('TPE2'), [' Кино']);
    assert.deepEqual(frames.get('TALB'), ['Café ']);
    assert.deepEqual(frames.get('TIT2'), ['A', 'B']);
  });

  test('ID3v2.4 syncsafe frame sizes; a tag inside an AIFF chunk is found', () => {
    const tag = id3(4, [['TPE1', 3, Buffer.from('x'.repeat(200), 'utf8')]]);
    const chunk = Buffer.concat([Buffer.from('ID3 ', 'latin1'), Buffer.alloc(4), tag]);
    chunk.writeUInt32BE(tag.length, 4);
    const comm = Buffer.concat([Buffer.from('COMM', 'latin1'), Buffer.from([0, 0, 0, 2, 0, 0])]);
    const form = Buffer.concat([
      Buffer.from('FORM', 'latin1'),
      Buffer.alloc(4),
      Buffer.from('AIFF', 'latin1'),
      comm,
      chunk,
    ]);
    const at = findId3v2(read(form), form.length)!;
    assert.equal(at, 12 + comm.length + 8);
    assert.deepEqual(readId3v2Text(read(form), at)!.get('TPE1'), ['x'.repeat(200)]);
  });

  test('ID3v2.2 (old iTunes files): 3-character frames, the artist whole', () => {
    const frame = (id: string, text: string) => {
      const data = Buffer.concat([Buffer.from([0]), Buffer.from(text, 'latin1')]);
      return Buffer.concat([Buffer.from(id, 'latin1'), Buffer.from([0, 0, data.length]), data]);
    };
    const body = Buffer.concat([frame('TP1', 'AC/DC'), frame('TAL', 'Back in Black '), frame('TT2', 'Hells Bells')]);
    const tag = Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([2, 0, 0, 0, 0, 0, body.length]), body]);
    const frames = readId3v2Text(read(tag), 0)!;
    assert.deepEqual(frames.get('TPE1'), ['AC/DC']);
    assert.deepEqual(frames.get('TALB'), ['Back in Black ']);
    assert.deepEqual(frames.get('TIT2'), ['Hells Bells']);
  });

  test('a tag not all read answers nothing rather than a part', () => {
    const tag = id3(3, [['TPE1', 0, Buffer.from('AC/DC', 'latin1')]]);
    assert.equal(readId3v2Text(read(tag.subarray(0, 12)), 0), undefined);
  });
});

test('a library item names the container plainly, whatever brands the parser lists', () => {
  assert.equal(containerName('M4A/isom/iso2'), 'MP4');
  assert.equal(containerName('mp42/isom'), 'MP4');
  assert.equal(containerName('ASF/audio'), 'ASF');
  assert.equal(containerName('MPEG'), 'MPEG');
  assert.equal(containerName('Ogg'), 'Ogg');
  assert.equal(containerName(undefined), undefined);
});
