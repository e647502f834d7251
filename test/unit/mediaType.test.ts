import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { audioFormatOf, isAudioContainer } from '../../functions/core/audioContainer.js';
import { imageTypeOf, isAudioMediaType, servedMediaType } from '../../functions/core/mediaType.js';

describe('servedMediaType', () => {
  test('the container detected in the bytes names the type, as the tag reader and a library row spell it', () => {
    const cases: [string, string | undefined, string][] = [
      ['MPEG', undefined, 'audio/mpeg'],
      ['FLAC', undefined, 'audio/flac'],
      ['M4A/isom/iso2', undefined, 'audio/mp4'],
      ['MP4', 'MPEG-4/AAC', 'audio/mp4'],
      ['Ogg', 'Vorbis I', 'audio/ogg'],
      ['Ogg', 'Opus', 'audio/ogg'],
      ['WAVE', undefined, 'audio/wav'],
      ['AIFF', undefined, 'audio/aiff'],
      ['ASF/audio', undefined, 'audio/x-ms-wma'],
      ['ASF', undefined, 'audio/x-ms-wma'],
    ];
    for (const [container, codec, type] of cases)
      assert.equal(servedMediaType('users/u/Music/A/B/01 T.bin', container, codec), type, container);
  });

  test("without a container, trackdrop's own extension names it; any other is a download", () => {
    assert.equal(servedMediaType('users/u/Music/A/B/01 T.flac'), 'audio/flac');
    assert.equal(servedMediaType('users/u/Music/A/B/Folder.png'), 'image/png');
    assert.equal(servedMediaType('users/u/Music/A/B/Folder.jpg'), 'image/jpeg');
    for (const k of ['x.html', 'x.svg', 'x.htm', 'x.xml', 'x.js', 'x', 'x.__proto__', 'x.constructor'])
      assert.equal(servedMediaType(k), 'application/octet-stream', k);
  });

  test('property: never a type a browser renders as a document or runs as script', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        (k, c, codec) => {
          const type = servedMediaType(k, c, codec);
          assert.ok(
            isAudioMediaType(type) || ['image/jpeg', 'image/png', 'application/octet-stream'].includes(type),
            type,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('audioFormatOf', () => {
  test('accepts the containers a library holds and nothing else', () => {
    for (const c of [
      'MPEG',
      'FLAC',
      'Ogg',
      'WAVE',
      'AIFF',
      'AIFF-C',
      'ASF/audio',
      'mp42/isom',
      'ADTS/MPEG-4',
      'EBML/webm',
      'WavPack',
      'DSF',
    ])
      assert.ok(isAudioContainer(c), c);
    for (const c of [undefined, '', ' ', 'HTML', 'gzip', 'ASF/video', 'EBML/video', 'jpeg'])
      assert.equal(isAudioContainer(c), false, String(c));
  });

  test('Opus in Ogg is .opus, Vorbis .ogg, both audio/ogg', () => {
    assert.deepEqual(audioFormatOf('Ogg', 'Opus'), { ext: 'opus', mediaType: 'audio/ogg' });
    assert.deepEqual(audioFormatOf('Ogg', 'Vorbis I'), { ext: 'ogg', mediaType: 'audio/ogg' });
  });
});

describe('imageTypeOf', () => {
  test('judges a cover by its first bytes, not its label', () => {
    assert.equal(imageTypeOf(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), 'image/jpeg');
    assert.equal(imageTypeOf(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'image/png');
    assert.equal(
      imageTypeOf(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')),
      undefined,
    );
    assert.equal(imageTypeOf(Buffer.from('GIF89a')), undefined);
    assert.equal(imageTypeOf(new Uint8Array(0)), undefined);
    assert.equal(imageTypeOf(Uint8Array.from([0x89, 0x50, 0x4e])), undefined);
  });
});
