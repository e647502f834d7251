import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Stripe from 'stripe';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';

// The contract: Trackdrop-Signature is the `t=…,v1=…` HMAC-SHA256 scheme Stripe's webhook
// verifiers accept, so a store may verify callbacks with a library it already trusts. Stripe's
// own SDK verifies here (offline: constructEvent makes no request), so the scheme cannot drift.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let secret: string;
const rotated = 'whsec_rotated_for_stripe';
const stripe = new Stripe('sk_test_offline_only');

before(async () => {
  stack = await startLocalStack();
  store = await startFakeStore();
  const reg = await registerStore(stack.stores, {
    storeId: 'stripe-checked',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  secret = reg.signingSecret;
  // Mid-rotation, as a store may well be: callbacks carry a signature for each active secret.
  await stack.stores.rotateSecret('stripe-checked', rotated);
  store.secret = rotated;
  client = new StoreClient(stack.api.url, reg.apiKey);
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

test("every callback of a session verifies with Stripe's webhooks.constructEvent, with the new and the previous secret; a tampered one does not", async () => {
  const urls = [1, 2, 3].map((n) =>
    store.addFile(`${n}.mp3`, makeMp3({ title: `Track ${n}`, artist: 'Verifier', album: 'Contract', trackNumber: n })),
  );
  for (const n of [1, 2]) await client.putLicense('u-stripe', n);
  const cookie = (await client.openSession('u-stripe')).body.cookie;
  // Two stored, one without a license (a failure callback).
  await client.downloadTracks(
    cookie,
    urls.map((trackUrl, i) => ({ trackUrl, serviceTrackId: i + 1, downloadParams: `p${i + 1}`, hrDownload: 0 })),
  );
  await client.waitForSession(cookie, 60_000);
  const deadline = Date.now() + 30_000;
  while (store.events.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const events = store.events.filter((e) => e.body.cookie === cookie);
  assert.deepEqual(events.map((e) => e.body.event).sort(), [
    'Download',
    'DownloadTrackComplete',
    'DownloadTrackComplete',
    'DownloadTrackComplete',
  ]);
  for (const e of events) {
    assert.match(e.signature, /^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    for (const s of [rotated, secret]) {
      const parsed = stripe.webhooks.constructEvent(e.raw, e.signature, s) as unknown as {
        event: string;
        eventId: string;
      };
      assert.equal(parsed.eventId, e.eventId);
    }
    assert.throws(
      () => stripe.webhooks.constructEvent(e.raw.replace('u-stripe', 'u-strife'), e.signature, secret),
      /signature/i,
    );
    assert.throws(() => stripe.webhooks.constructEvent(e.raw, e.signature, 'whsec_not_the_secret'), /signature/i);
  }
});
