import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { startFakeStore, type FakeStore } from '../../infra/local/fakeStore.js';
import { startLocalStack, type LocalStack } from '../../infra/local/localStack.js';
import { StoreClient } from '../../infra/local/storeClient.js';
import { corpus, corpusBytes } from '../fixtures/audio/corpus.js';
import { objectsUnder } from '../support/bucketObjects.js';
import { makeSourceBucket } from '../support/sourceBucket.js';

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
    stack = await startLocalStack();
    store = await startFakeStore();
    const reg = await registerStore(stack.deps.stores, { storeId: 'corpus-store', callbackUrl: store.callbackUrl, allowOrigins: [store.originUrl, 's3://corpus-sources'] });
    store.secret = reg.signingSecret;
    client = new StoreClient(stack.api.url, reg.apiKey);
    // Every object announced as audio/mpeg, as a store's bulk upload might: the bytes decide.
    await makeSourceBucket(stack.clients.s3, 'corpus-sources', Object.fromEntries(corpus.map((c) => [`catalog/${c.file}`, corpusBytes(c.file)])));
  });

  after(async () => {
    await stack?.stop();
    await store?.close();
  });

  for (const kind of ['https', 's3'] as const) {
    test(`${kind} sources: keys, library fields, callbacks and one cover per album folder`, async () => {
      const user = `listener-${kind}`;
      const music = `users/${user}/Music/`;
      const ids = new Map(corpus.map((c, i) => [c.file, 5000 + i]));
      for (const id of ids.values()) assert.equal((await client.putLicense(user, id, {})).status, 201);
      const opened = await client.openSession(user, [{ id: 'corpus', type: 'album', contentIds: [...ids.values()] }]);
      const cookie = opened.body.cookie;
      for (const c of corpus) {
        const trackUrl = kind === 's3' ? `s3://corpus-sources/catalog/${c.file}` : store.addFile(`${kind}-${c.file}`, corpusBytes(c.file), c.contentType);
        const res = await client.downloadTrack(cookie, { trackUrl, serviceTrackId: ids.get(c.file)!, downloadParams: c.file, hrDownload: 0 });
        assert.equal(res.status, 202, JSON.stringify(res.body));
      }
      const status = await client.waitForSession(cookie);
      assert.equal(status.counts.completed, corpus.length, JSON.stringify(status.tracks.filter((t) => t.state !== 'completed')));

      // The Music folder holds the tracks and one cover per album with art, nothing else.
      const objects = await objectsUnder(stack.clients.s3, stack.provisioned.names.bucket, music);
      const covers = new Set(corpus.flatMap((c) => (c.coverKey ? [c.coverKey] : [])));
      assert.deepEqual([...objects.keys()].map((k) => k.slice(music.length)).sort(), [...corpus.map((c) => c.key), ...covers].sort());
      for (const c of corpus) {
        assert.equal(objects.get(music + c.key), createHash('sha256').update(corpusBytes(c.file)).digest('hex'), `${c.key} holds the source's bytes`);
      }
      for (const cover of covers) {
        const obj = await stack.clients.s3.send(new GetObjectCommand({ Bucket: stack.provisioned.names.bucket, Key: music + cover }));
        const bytes = Buffer.from(await obj.Body!.transformToByteArray());
        const png = cover.endsWith('.png');
        assert.equal(obj.ContentType, png ? 'image/png' : 'image/jpeg');
        assert.deepEqual([...bytes.subarray(0, 2)], png ? [0x89, 0x50] : [0xff, 0xd8], `${cover} is the embedded picture`);
      }

      // The library: each item as the table says; the callback's item agrees with it.
      const lib = await client.library(user, '?limit=100');
      assert.equal(lib.body.items.length, corpus.length);
      const callbacks = new Map(
        store.events.filter((e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie).map((e) => [e.body.serviceTrackId, e.body]),
      );
      for (const c of corpus) {
        const item = lib.body.items.find((i) => i.serviceTrackId === ids.get(c.file)) as Record<string, unknown> | undefined;
        assert.ok(item, `${c.file} in the library`);
        assert.equal(item.key, music + c.key);
        assert.equal(item.coverKey, c.coverKey ? music + c.coverKey : undefined, `${c.file} coverKey`);
        for (const [field, want] of Object.entries(c.library)) {
          if (field === 'coverKey') continue;
          assert.deepEqual(item[field], want, `${c.file} ${field}`);
        }
        assert.ok(Math.abs(Number(item.durationSeconds) - c.durationSeconds) <= 0.1, `${c.file} duration ${item.durationSeconds}`);
        const sent = callbacks.get(ids.get(c.file)) as { hrResult: string; item: Record<string, unknown> } | undefined;
        assert.equal(sent?.hrResult, '0x00000000');
        for (const field of ['key', 'title', 'artist', 'artists', 'albumArtist', 'album', 'trackNumber', 'discNumber', 'compilation', 'codec', 'container', 'coverKey', 'replayGain', 'musicBrainz']) {
          assert.deepEqual(sent.item[field], item[field], `${c.file} callback ${field}`);
        }
      }
    });
  }
});
