import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Page } from 'playwright-core';
import { objectsUnder } from '../../functions/adapters/bucketObjects.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { type HeadlessChromium, launchChromium, noChromium } from '../support/headlessChromium.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// A store decides nothing about how a listener's browser treats a file: what S3 stores and what a
// presigned URL asks S3 to serve come from the container in the bytes, and a cover is a JPEG or
// PNG by its bytes or no cover at all.

const user = 'typed-listener';
// Runs in any document that parses it as HTML, and leaves a mark the page can be asked for.
const script = '<script>window.trackdropRan = true</script>';
const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="window.trackdropRan = true">${script}</svg>`);

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let chromium: HeadlessChromium | undefined;
let htmlUrl: string;
let stored: { key: string; coverKey?: unknown; contentType?: unknown };
let signed: { url: string; contentType: string };

before(async () => {
  ({ stack, store, client } = await startStoreOnStack('typed-store'));
  if (!noChromium) chromium = await launchChromium();
  const mp3 = makeMp3({
    title: `Hello ${script}`,
    artist: 'Typed',
    album: 'Labels',
    trackNumber: 1,
    cover: { data: svg, claimedType: 'image/png' },
  });
  htmlUrl = store.addFile('labelled-html.mp3', mp3, 'text/html');
  await client.putLicense(user, 1);
  const cookie = (await client.openSession(user)).body.cookie;
  const res = await client.downloadTrack(cookie, {
    trackUrl: htmlUrl,
    serviceTrackId: 1,
    downloadParams: '',
    hrDownload: 0,
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const status = await client.waitForSession(cookie);
  assert.equal(status.tracks[0]?.state, 'completed', JSON.stringify(status.tracks[0]));
  const item = (await client.library(user)).body.items[0];
  assert.ok(item && typeof item.key === 'string');
  stored = { key: item.key, coverKey: item.coverKey, contentType: item.contentType };
  const token = await stack.issuer.mint(user);
  const answer = await fetch(`${stack.api.url}/v1/me/library/typed-store/1/url`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(answer.status, 200);
  signed = (await answer.json()) as { url: string; contentType: string };
});

after(async () => {
  await chromium?.close();
  await stack?.stop();
  await store?.close();
});

/** Whether the page's script ran: the mark it leaves, read in the page itself. */
const scriptRan = (page: Page) => page.evaluate(() => (globalThis as { trackdropRan?: boolean }).trackdropRan === true);

describe('an MP3 its origin labelled text/html, with a script in its title and an SVG cover called PNG', () => {
  test('is stored as audio/mpeg, named .mp3, and recorded so', async () => {
    assert.match(stored.key, /\.mp3$/);
    assert.equal(stored.contentType, 'audio/mpeg');
    const head = await stack.clients.s3.send(
      new HeadObjectCommand({ Bucket: stack.provisioned.names.bucket, Key: stored.key }),
    );
    assert.equal(head.ContentType, 'audio/mpeg');
  });

  test('has no cover: nothing but the track is written to its album folder', async () => {
    assert.equal(stored.coverKey, undefined);
    const files = await objectsUnder(stack.clients.s3, stack.provisioned.names.bucket, `users/${user}/`);
    assert.deepEqual([...files.keys()], [stored.key]);
  });

  test('gets a presigned URL that asks S3 for audio/mpeg, and S3 serves it so', async () => {
    assert.equal(signed.contentType, 'audio/mpeg');
    assert.equal(new URL(signed.url).searchParams.get('response-content-type'), 'audio/mpeg');
    const file = await fetch(signed.url);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'audio/mpeg');
  });

  test('runs no script when the listener opens its URL in Chromium', { skip: noChromium }, async () => {
    assert.ok(chromium);
    const page = await chromium.browser.newPage();
    try {
      // The control: the origin's own URL, served as text/html, does run the title's script.
      await page.goto(htmlUrl);
      assert.equal(await scriptRan(page), true, 'the probe sees a script that runs');
      await page.goto(signed.url);
      assert.equal(await scriptRan(page), false, 'the stored file ran a script');
    } finally {
      await page.close();
    }
  });
});
