import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { SQSEvent } from 'aws-lambda';
import { TagParser, TagParseTimeout } from '../../functions/adapters/tagParse/tagParser.js';
import { HR } from '../../functions/core/hresult.js';
import { processDownloads } from '../../functions/service/worker/processDownloads.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { corpusBytes } from '../fixtures/audio/corpus.js';
import { LOOP_MARK } from '../support/loopingParserMain.js';
import { ack, receiveEvent } from '../support/receiveEvent.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

const looping = new URL('../support/loopingParserMain.ts', import.meta.url);
let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;

before(async () => {
  ({ stack, store, client } = await startStoreOnStack('deadline-shop', { stack: { pollers: false } }));
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

test('a parse that loops ends at its deadline, and the next parse gets a thread of its own', async () => {
  const parser = new TagParser({ deadlineMs: 300, threadMain: looping });
  try {
    const started = Date.now();
    await assert.rejects(parser.parseBuffer(makeMp3({ title: LOOP_MARK }), true), TagParseTimeout);
    const took = Date.now() - started;
    const next = await parser.parseBuffer(makeMp3({ title: 'After', artist: 'Band' }), true);
    assert.equal(next.common.title, 'After');
    assert.ok(took >= 300, `ended after ${took} ms`);
  } finally {
    await parser.close();
  }
});

test('a real parse that needs longer than the deadline fails with TagParseTimeout; with time it reads the tags', async () => {
  const file = corpusBytes('acdc.flac');
  const hurried = new TagParser({ deadlineMs: 1 });
  try {
    await assert.rejects(hurried.parseBuffer(file, false), TagParseTimeout);
  } finally {
    await hurried.close();
  }
  const patient = new TagParser({ deadlineMs: 10_000 });
  try {
    assert.equal((await patient.parseBuffer(file, false)).common.title, 'Shoot to Thrill');
  } finally {
    await patient.close();
  }
});

test('a file that hangs the parser fails its own track with E_TAGS_UNREADABLE; its batch-mates are stored', async () => {
  const user = 'deadline-user';
  const cookie = (await client.openSession(user)).body.cookie;
  const titles = ['First', LOOP_MARK, 'Third'];
  for (const [i, title] of titles.entries()) {
    await client.putLicense(user, i + 1);
    const url = store.addFile(`d${i}.mp3`, makeMp3({ title, artist: 'Band', album: 'Album', trackNumber: i + 1 }));
    const res = await client.downloadTrack(cookie, {
      trackUrl: url,
      serviceTrackId: i + 1,
      downloadParams: '',
      hrDownload: 0,
    });
    assert.equal(res.status, 202);
  }
  const downloads = stack.provisioned.names.queueUrls.downloads;
  const event: SQSEvent = { Records: [] };
  for (let tries = 0; event.Records.length < titles.length && tries < 10; tries++)
    event.Records.push(...(await receiveEvent(stack.clients.sqs, downloads)).Records);
  assert.equal(event.Records.length, titles.length);

  const tagParser = new TagParser({ deadlineMs: 500, threadMain: looping });
  try {
    const started = Date.now();
    const res = await processDownloads({ ...stack.deps.worker, tagParser }, event);
    const took = Date.now() - started;
    assert.deepEqual(res.batchItemFailures, [], 'nothing left for a retry');
    await ack(stack.clients.sqs, downloads, event);
    const tracks = await Promise.all(titles.map((_, i) => stack.deps.worker.tracks.get(cookie, i + 1)));
    assert.deepEqual(
      tracks.map((t) => t?.state),
      ['stored', 'failed', 'stored'],
    );
    assert.equal(tracks[1]?.hrResult, HR.E_TAGS_UNREADABLE);
    assert.match(tracks[1]?.reason ?? '', /not read within 500 ms/);
    // The bound: the deadline, plus the copy and the writes, far inside the function's 300 s.
    assert.ok(took < 10_000, `the batch took ${took} ms`);
  } finally {
    await tagParser.close();
  }
});
