import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '../../functions/adapters/aws/s3Client.js';
import { objectsUnder } from '../../functions/adapters/bucketObjects.js';
import { MAX_COVER_BYTES, readObjectFacts } from '../../functions/adapters/tagReader.js';
import { localCredentials, localRegion } from '../../infra/local/emulators.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { corpus, corpusBytes, corpusPath } from '../fixtures/audio/corpus.js';
import { type MutagenView, mutagenViews } from '../support/mutagenView.js';
import { makeSourceBucket } from '../support/sourceBucket.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

/**
 * The whole corpus of real encoders' files through the pipeline, from a store's HTTPS origin and
 * from its S3 bucket: every file lands where the table says, with the library fields it says,
 * and each album with art gets exactly one cover in its folder.
 */
describe('the corpus end to end', () => {
  let stack: LocalStack;
  let store: FakeStore;
  let client: StoreClient;

  before(async () => {
    ({ stack, store, client } = await startStoreOnStack('corpus-store', { sourceBuckets: ['corpus-sources'] }));
    // Every object announced as audio/mpeg, as a store's bulk upload might: the bytes decide.
    await makeSourceBucket(
      stack.clients.s3,
      'corpus-sources',
      Object.fromEntries(corpus.map((c) => [`catalog/${c.file}`, corpusBytes(c.file)])),
    );
  });

  /** An S3 client of its own that counts the bytes each GET brings back. */
  function countingS3() {
    const counter = {
      client: createS3Client(
        {},
        { region: localRegion, credentials: localCredentials, endpoints: stack.emulators.endpoints },
      ),
      fetched: 0,
    };
    counter.client.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        counter.fetched += Number((out.output as { ContentLength?: number } | undefined)?.ContentLength ?? 0);
        return out;
      },
      { step: 'initialize', name: 'countBytes' },
    );
    return counter;
  }

  after(async () => {
    await stack?.stop();
    await store?.close();
  });

  test('s3:// tag reads stay ranged: a 4 MiB FLAC with a 300 KB cover costs its header blocks, not the file', async (t) => {
    const { file: big, headerBytes } = flacWithCover(corpusBytes('acdc.flac'), 300_000, 4 * 1024 * 1024);
    await stack.clients.s3.send(
      new PutObjectCommand({ Bucket: 'corpus-sources', Key: 'big/acdc.flac', Body: big, ContentType: 'audio/flac' }),
    );
    const s3 = countingS3();
    const facts = await readObjectFacts(s3.client, stack.deps.worker.tagParser, 'corpus-sources', 'big/acdc.flac');
    const fetched = s3.fetched;
    assert.equal(facts.tags.title, 'Shoot to Thrill');
    assert.equal(facts.cover?.data.length, 300_000);
    assert.equal(facts.size, big.length);
    t.diagnostic(`${fetched} bytes fetched of ${big.length}`);
    // The header blocks, the 128-byte tail (ID3v1's place) and the reads' rounding up to 64 KiB
    // (the first read, and the one for the header after the picture): never the audio.
    assert.ok(
      fetched <= headerBytes + 128 + 2 * (64 * 1024 + 1),
      `${fetched} bytes fetched of ${big.length}, header ${headerBytes}`,
    );
  });

  test('a cover over 2 MiB is not kept for the album folder, and one far over it is not even fetched; the tags still are', async () => {
    const s3 = countingS3();
    for (const [name, pictureBytes] of [
      ['over', MAX_COVER_BYTES + 1],
      ['far-over', 3 * MAX_COVER_BYTES],
    ] as const) {
      const { file, headerBytes } = flacWithCover(corpusBytes('acdc.flac'), pictureBytes, 0);
      await stack.clients.s3.send(
        new PutObjectCommand({ Bucket: 'corpus-sources', Key: `big/${name}.flac`, Body: file }),
      );
      s3.fetched = 0;
      const facts = await readObjectFacts(s3.client, stack.deps.worker.tagParser, 'corpus-sources', `big/${name}.flac`);
      assert.equal(facts.tags.title, 'Shoot to Thrill', name);
      assert.equal(facts.cover, undefined, name);
      if (name === 'far-over')
        assert.ok(s3.fetched < headerBytes - pictureBytes + 4 * 64 * 1024, `${s3.fetched} bytes fetched`);
    }
  });

  for (const kind of ['https', 's3'] as const) {
    test(`${kind} sources: keys, library fields, callbacks and one cover per album folder`, async (t) => {
      const user = `listener-${kind}`;
      const music = `users/${user}/Music/`;
      const ids = new Map(corpus.map((c, i) => [c.file, 5000 + i]));
      for (const id of ids.values()) assert.equal((await client.putLicense(user, id, {})).status, 201);
      const opened = await client.openSession(user, [{ id: 'corpus', type: 'album', contentIds: [...ids.values()] }]);
      const cookie = opened.body.cookie;
      for (const c of corpus) {
        const trackUrl =
          kind === 's3'
            ? `s3://corpus-sources/catalog/${c.file}`
            : store.addFile(`${kind}-${c.file}`, corpusBytes(c.file), c.contentType);
        const res = await client.downloadTrack(cookie, {
          trackUrl,
          serviceTrackId: ids.get(c.file)!,
          downloadParams: c.file,
          hrDownload: 0,
        });
        assert.equal(res.status, 202, JSON.stringify(res.body));
      }
      const status = await client.waitForSession(cookie);
      assert.equal(
        status.counts.completed,
        corpus.length,
        JSON.stringify(status.tracks.filter((t) => t.state !== 'completed')),
      );

      // The Music folder holds the tracks and one cover per album with art, nothing else.
      const objects = await objectsUnder(stack.clients.s3, stack.provisioned.names.bucket, music);
      const covers = new Set(corpus.flatMap((c) => (c.coverKey ? [c.coverKey] : [])));
      assert.deepEqual(
        [...objects.keys()].map((k) => k.slice(music.length)).sort(),
        [...corpus.map((c) => c.key), ...covers].sort(),
      );
      for (const c of corpus) {
        assert.equal(
          objects.get(music + c.key),
          createHash('sha256').update(corpusBytes(c.file)).digest('hex'),
          `${c.key} holds the source's bytes`,
        );
      }
      const coverSha = new Map<string, string>();
      for (const cover of covers) {
        const obj = await stack.clients.s3.send(
          new GetObjectCommand({ Bucket: stack.provisioned.names.bucket, Key: music + cover }),
        );
        const bytes = Buffer.from(await obj.Body!.transformToByteArray());
        const png = cover.endsWith('.png');
        assert.equal(obj.ContentType, png ? 'image/png' : 'image/jpeg');
        assert.deepEqual(
          [...bytes.subarray(0, 2)],
          png ? [0x89, 0x50] : [0xff, 0xd8],
          `${cover} is the embedded picture`,
        );
        coverSha.set(cover, createHash('sha256').update(bytes).digest('hex'));
      }

      // A second opinion on the covers: each album folder's picture is, byte for byte, the one
      // mutagen finds in the file, and every file in which mutagen finds one has its cover.
      const opinion = mutagenViews(corpus.map((c) => corpusPath(c.file)));
      if ('missing' in opinion) t.diagnostic(opinion.missing);
      else {
        for (const c of corpus) {
          const seen: MutagenView['cover'] | undefined = opinion.views.get(corpusPath(c.file))?.cover;
          if (!seen || !/^image\/(jpeg|png)$/.test(seen.mime) || seen.bytes > MAX_COVER_BYTES) continue;
          assert.ok(c.coverKey, `${c.file}: mutagen finds a ${seen.mime} cover the table does not expect`);
          assert.equal(coverSha.get(c.coverKey), seen.sha256, `${c.coverKey} is ${c.file}'s picture`);
        }
      }

      // The library: each item as the table says; the callback's item agrees with it.
      const lib = await client.library(user, '?limit=100');
      assert.equal(lib.body.items.length, corpus.length);
      const callbacks = new Map(
        store.events
          .filter((e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie)
          .map((e) => [e.body.serviceTrackId, e.body]),
      );
      for (const c of corpus) {
        const item = lib.body.items.find((i) => i.serviceTrackId === ids.get(c.file)) as
          | Record<string, unknown>
          | undefined;
        assert.ok(item, `${c.file} in the library`);
        assert.equal(item.key, music + c.key);
        assert.equal(item.coverKey, c.coverKey ? music + c.coverKey : undefined, `${c.file} coverKey`);
        for (const [field, want] of Object.entries(c.library)) {
          if (field === 'coverKey') continue;
          assert.deepEqual(item[field], want, `${c.file} ${field}`);
        }
        assert.ok(
          Math.abs(Number(item.durationSeconds) - c.durationSeconds) <= 0.1,
          `${c.file} duration ${item.durationSeconds}`,
        );
        const sent = callbacks.get(ids.get(c.file)) as { hrResult: string; item: Record<string, unknown> } | undefined;
        assert.equal(sent?.hrResult, '0x00000000');
        for (const field of [
          'key',
          'title',
          'artist',
          'artists',
          'albumArtist',
          'album',
          'trackNumber',
          'discNumber',
          'compilation',
          'codec',
          'container',
          'coverKey',
          'replayGain',
          'musicBrainz',
        ]) {
          assert.deepEqual(sent.item[field], item[field], `${c.file} callback ${field}`);
        }
      }
    });
  }
});

/**
 * The corpus FLAC with its PICTURE block's image grown to `pictureBytes` (the JPEG padded) and
 * its audio frames repeated to about `totalBytes`: a file as large as a real track, its cover
 * in the header blocks as taggers put it.
 */
function flacWithCover(flac: Buffer, pictureBytes: number, totalBytes: number): { file: Buffer; headerBytes: number } {
  const blocks: Buffer[] = [];
  let pos = 4;
  for (let last = false; !last; ) {
    last = (flac[pos]! & 0x80) !== 0;
    const type = flac[pos]! & 0x7f;
    const length = flac.readUIntBE(pos + 1, 3);
    let data = flac.subarray(pos + 4, pos + 4 + length);
    pos += 4 + length;
    if (type === 6) {
      // PICTURE: type, MIME, description, width, height, depth, colours, then the image's length and bytes.
      const mimeLength = data.readUInt32BE(4);
      const descLength = data.readUInt32BE(8 + mimeLength);
      const fixed = 12 + mimeLength + descLength + 16;
      const image = data.subarray(fixed + 4, fixed + 4 + data.readUInt32BE(fixed));
      const grown = Buffer.concat([image, Buffer.alloc(pictureBytes - image.length)]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(grown.length);
      data = Buffer.concat([data.subarray(0, fixed), length, grown]);
    }
    const header = Buffer.alloc(4);
    header[0] = type | (last ? 0x80 : 0);
    header.writeUIntBE(data.length, 1, 3);
    blocks.push(header, data);
  }
  const frames = flac.subarray(pos);
  const repeats = Math.max(1, Math.ceil(totalBytes / frames.length));
  const header = Buffer.concat([flac.subarray(0, 4), ...blocks]);
  return {
    file: Buffer.concat([header, ...Array.from({ length: repeats }, () => frames)]),
    headerBytes: header.length,
  };
}
