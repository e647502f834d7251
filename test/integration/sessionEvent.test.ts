import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { defaultSettings } from '../../functions/settings.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

let stack: LocalStack | undefined;
let store: FakeStore | undefined;
after(async () => {
  await stack?.stop();
  await store?.close();
});

test('concurrent retries of one session open, with one Idempotency-Key, tell the store of the session once', async () => {
  // A short repair delay here; 30 s by default.
  const settings = { ...defaultSettings, limits: { ...defaultSettings.limits, sessionRepairDelaySeconds: 1 } };
  const started = await startStoreOnStack('session-event-store', { stack: { settings } });
  ({ stack, store } = started);
  const opens = await Promise.all(
    Array.from({ length: 20 }, () =>
      started.client.call<{ cookie: string }>(
        'POST',
        '/v1/downloads',
        { userId: 'u-once' },
        { headers: { 'idempotency-key': 'order-1' } },
      ),
    ),
  );
  assert.ok(
    opens.every((o) => o.status === 201),
    JSON.stringify(opens.map((o) => o.status)),
  );
  const cookies = new Set(opens.map((o) => o.body.cookie));
  assert.equal(cookies.size, 1, 'one session');
  const [cookie] = [...cookies];
  const told = () => started.store.events.filter((e) => e.body.event === 'Download' && e.body.cookie === cookie).length;
  for (let i = 0; i < 100 && told() === 0; i++) await new Promise((r) => setTimeout(r, 100));
  // The retries' delayed asks come a second later and find the session told.
  await new Promise((r) => setTimeout(r, 4000));
  assert.equal(told(), 1);
});
