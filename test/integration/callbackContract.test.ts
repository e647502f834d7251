import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as z from 'zod/mini';
import { openApiDocument } from '../../functions/api/openApi.js';
import {
  downloadEventSchema,
  downloadTrackCompleteEventSchema,
  userErasedEventSchema,
} from '../../functions/core/callbackEvents.js';
import { startErasure } from '../../functions/service/erasure/startErasure.js';
import { defaultSettings } from '../../functions/settings.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { waitFor } from '../support/redelivery.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// What a store receives at its callback URL is what the OpenAPI document's webhooks promise:
// every event the pipeline sends parses with the schema the document is built from.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;

before(async () => {
  ({ stack, store, client } = await startStoreOnStack('contract-store', { stack: { erasureSettleSeconds: 0 } }));
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

test("every callback a session and its user's erasure cause parses with its webhook's schema", async () => {
  await client.putLicense('contract-user', 1);
  await client.putLicense('contract-user', 2);
  const cookie = (await client.openSession('contract-user', [{ id: 'album-1', type: 'album', contentIds: [1, 2] }]))
    .body.cookie;
  const stored = store.addFile(
    'ok.mp3',
    makeMp3({ title: 'Kept', artist: 'Contract', album: 'Terms', trackNumber: 1 }),
  );
  await client.downloadTrack(cookie, { trackUrl: stored, serviceTrackId: 1, downloadParams: 'p=1', hrDownload: 0 });
  // No such file at the origin: it ends failed, with a reason.
  await client.downloadTrack(cookie, {
    trackUrl: `${store.originUrl}/tracks/missing.mp3`,
    serviceTrackId: 2,
    downloadParams: 'p=2',
    hrDownload: 0,
  });
  const ours = () => store.events.filter((e) => e.body.cookie === cookie || e.body.userId === 'contract-user');
  await waitFor('three callbacks', () => ours().length >= 3, 60_000);
  // Then the user is erased: the store that held its licenses is told so.
  await startErasure(stack.deps.listener, 'contract-user', 'operator');
  await waitFor('the UserErased event', () => ours().some((e) => e.body.event === 'UserErased'), 60_000);
  const doc = openApiDocument(defaultSettings) as { webhooks?: Record<string, unknown> };
  assert.deepEqual(Object.keys(doc.webhooks ?? {}).sort(), ['Download', 'DownloadTrackComplete', 'UserErased']);
  const schemas: Record<string, z.ZodMiniObject> = {
    Download: downloadEventSchema,
    DownloadTrackComplete: downloadTrackCompleteEventSchema,
    UserErased: userErasedEventSchema,
  };
  const byEvent = new Map<string, unknown[]>();
  for (const e of ours()) {
    const schema = schemas[e.body.event];
    assert.ok(schema, `a documented event: ${e.body.event}`);
    // Strict: a field the document does not name is a drift too.
    const parsed = z.safeParse(z.strictObject(schema.shape), e.body);
    assert.ok(parsed.success, `${e.body.event} as documented: ${JSON.stringify(parsed.error?.issues)}`);
    assert.match(e.signature, /^t=\d+(,v1=[0-9a-f]{64})+$/, 'the documented Trackdrop-Signature');
    byEvent.set(e.body.event, [...(byEvent.get(e.body.event) ?? []), e.body]);
  }
  const completes = byEvent.get('DownloadTrackComplete') as { hrResult: string; item?: unknown; reason?: string }[];
  assert.equal(completes.length, 2);
  assert.ok(
    completes.some((c) => c.hrResult === '0x00000000' && c.item),
    'the stored track, with its item',
  );
  assert.ok(
    completes.some((c) => c.hrResult !== '0x00000000' && c.reason && !c.item),
    'the failed one, with a reason',
  );
});
