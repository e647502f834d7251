import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { EventEntry, EventsPage } from '../../functions/core/answers.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { defaultSettings } from '../../functions/settings.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { createStoreClient } from '../../packages/store-client/src/index.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';

// A store whose receiver is down past the retry window: its callbacks end in the completions
// dead-letter queue. Back up, it finds its events in its own event log, with how each delivery
// went, and has them sent again itself, with the same event ids, without an operator.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let other: StoreClient;
let cookie: string;
let apiKey: string;

// Two deliveries, a second apart, and the message is past its retries.
const settings = {
  ...defaultSettings,
  completions: { ...defaultSettings.completions, maxReceiveCount: 2 },
  callbacks: { ...defaultSettings.callbacks, baseBackoffSeconds: 1, maxBackoffSeconds: 1, slowStreak: 1000 },
};

before(async () => {
  stack = await startLocalStack({ settings, leaseSeconds: 5 });
  store = await startFakeStore();
  const own = await registerStore(stack.stores, {
    storeId: 'down-store',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  store.secret = own.signingSecret;
  apiKey = own.apiKey;
  client = new StoreClient(stack.api.url, apiKey);
  const reg = await registerStore(stack.stores, {
    storeId: 'other-store',
    callbackUrl: 'https://other.example/cb',
    allowOrigins: ['https://cdn.other.example'],
  });
  other = new StoreClient(stack.api.url, reg.apiKey);
  store.callbackStatus = 503;
  for (const id of [1, 2, 3]) await client.putLicense('ev-user', id);
  cookie = (await client.openSession('ev-user')).body.cookie;
  for (const id of [1, 2]) {
    const trackUrl = store.addFile(`${id}.mp3`, makeMp3({ title: `Event ${id}`, artist: 'Log' }));
    const res = await client.downloadTrack(cookie, {
      trackUrl,
      serviceTrackId: id,
      downloadParams: `p${id}`,
      hrDownload: 0,
    });
    assert.equal(res.status, 202);
  }
  // Declined by the store itself: never reported, so never an event.
  await client.downloadTrack(cookie, { serviceTrackId: 3, downloadParams: 'p3', hrDownload: '0x80004004' });
  await until(async () => (await deadLettered()) >= 3, 'three callbacks past their retries');
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

async function deadLettered(): Promise<number> {
  const out = await stack.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: stack.provisioned.queues.completions.dlqUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const eventsOf = async (c: StoreClient, query = '') => (await c.call<EventsPage>('GET', `/v1/events${query}`)).body;

/** Every event of the log, page after page of `limit`. */
async function allEvents(limit: number): Promise<EventEntry[]> {
  const out: EventEntry[] = [];
  let after: string | undefined;
  do {
    const page = await eventsOf(client, `?limit=${limit}${after ? `&after=${after}` : ''}`);
    out.push(...page.events);
    after = page.next;
  } while (after);
  return out;
}

test('the log lists the undelivered events, with their failed attempts and the last answer', async () => {
  const { events, next } = await eventsOf(client);
  assert.equal(next, undefined);
  // The session's Download first, then its tracks' (in the table's order, not by id).
  assert.equal(events[0]?.type, 'Download');
  assert.deepEqual(
    events
      .slice(1)
      .map((e) => [e.type, e.serviceTrackId])
      .sort(),
    [
      ['DownloadTrackComplete', 1],
      ['DownloadTrackComplete', 2],
    ],
  );
  for (const e of events) {
    assert.equal(e.cookie, cookie);
    assert.equal(e.delivered, false);
    assert.ok(e.attempts >= 2, `${e.id}: ${e.attempts} attempts`);
    assert.equal(e.lastStatus, 503);
  }
  // The ids are the ones every delivery carried.
  const sent = new Set(store.attempts.map((a) => a.eventId));
  for (const e of events) assert.ok(sent.has(e.id), `${e.id} was attempted`);
  assert.deepEqual(
    (await eventsOf(client, '?type=Download')).events.map((e) => e.type),
    ['Download'],
  );
});

test('pages of one event each give the same log, in the same order', async () => {
  const whole = (await eventsOf(client)).events.map((e) => e.id);
  assert.deepEqual(
    (await allEvents(1)).map((e) => e.id),
    whole,
  );
});

test('another store sees none of it and cannot have it sent; a bad id or cursor is refused', async () => {
  assert.deepEqual((await eventsOf(other)).events, []);
  const [first] = (await eventsOf(client)).events;
  assert.ok(first);
  const foreign = await other.call('POST', `/v1/events/${first.id}/redeliver`);
  assert.equal(foreign.status, 404);
  assert.equal((await client.call('POST', '/v1/events/evt_nope/redeliver')).status, 404);
  const cursor = (await eventsOf(client, '?limit=1')).next;
  assert.equal((await other.call('GET', `/v1/events?after=${cursor}`)).status, 400);
});

test('back up, the store has each event sent again with its own id, and the tracks complete', async () => {
  store.callbackStatus = 200;
  // What a store's own catch-up does, with the typed client: every undelivered event, again.
  const typed = createStoreClient({ baseUrl: stack.api.url, apiKey });
  const before: EventEntry[] = [];
  for await (const e of typed.events({ pageSize: 2 })) if (!e.delivered) before.push(e);
  assert.equal(before.length, 3);
  for (const e of before) assert.deepEqual(await typed.redeliverEvent(e.id), { eventId: e.id, state: 'queued' });
  await until(async () => before.every((e) => store.events.some((r) => r.eventId === e.id)), 'the redeliveries');
  for (const received of store.events) assert.equal(received.verified, true);
  await until(
    async () => (await client.session(cookie)).body.tracks.filter((t) => t.state === 'completed').length === 2,
    'both tracks completed',
  );
  const afterwards = (await eventsOf(client)).events;
  for (const e of afterwards) {
    const was = before.find((b) => b.id === e.id);
    assert.equal(e.delivered, true, e.id);
    assert.equal(e.attempts, (was?.attempts ?? 0) + 1, `${e.id}: the failed attempts and the one taken`);
  }
});

test('an event already delivered can be sent again, and nothing of its track changes', async () => {
  const [, track] = (await eventsOf(client)).events;
  assert.ok(track);
  const copies = store.events.filter((r) => r.eventId === track.id).length;
  assert.equal((await client.call('POST', `/v1/events/${track.id}/redeliver`)).status, 202);
  await until(async () => store.events.filter((r) => r.eventId === track.id).length === copies + 1, 'the repeat');
  const status = await client.session(cookie);
  assert.equal(status.body.tracks.find((t) => t.serviceTrackId === track.serviceTrackId)?.state, 'completed');
});

test('a cursor kept until its session left the window starts at the window, not at a 500', async () => {
  const { next } = await eventsOf(client, '?limit=1');
  assert.ok(next);
  const later = new Date(Date.now() + 60_000).toISOString();
  const res = await client.call<EventsPage>('GET', `/v1/events?after=${next}&since=${later}`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.events, []);
});

test('a session listed twice (a retried open that wrote its own entry) shows its events once', async () => {
  const session = await stack.deps.api.sessions.get(cookie);
  assert.ok(session);
  // What a retry whose first attempt died between the two writes leaves: a second entry, later.
  await stack.deps.api.sessions.index({ ...session, createdAt: new Date(Date.now() - 1000).toISOString() });
  const ids = (await eventsOf(client)).events.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, ids.join(' '));
  assert.equal(ids.length, 3);
});
