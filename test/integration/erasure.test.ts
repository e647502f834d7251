import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { listKeys } from '../../functions/adapters/bucketObjects.js';
import { formatHResult, HR } from '../../functions/core/hresult.js';
import { ERASE_CONFIRMATION } from '../../functions/core/schemas.js';
import { tables } from '../../functions/resources.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { defaultSettings, type TrackdropSettings } from '../../functions/settings.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';

// A user's erasure, end to end on the emulators: in steps small enough that each kind of data
// takes several, with a step killed midway in S3 and another in DynamoDB; afterwards nothing of
// the user is left in the bucket, any table or any index, and nothing of another user changed.

const gone = 'gone-user';
const kept = 'kept-user';

let stack: LocalStack;
let storeA: FakeStore;
let storeB: FakeStore;
let a: StoreClient;
let b: StoreClient;

const settings: TrackdropSettings = {
  ...defaultSettings,
  erasure: { tombstoneDays: 30, stepItems: 8, settleSeconds: 1 },
  // A track whose origin fails waits long before its retry: it is still queued when the erasure begins.
  downloadLease: { ...defaultSettings.downloadLease, retryBaseSeconds: 600 },
  callbacks: { ...defaultSettings.callbacks, baseBackoffSeconds: 1 },
};

before(async () => {
  stack = await startLocalStack({ settings, leaseSeconds: 2 });
  storeA = await startFakeStore();
  storeB = await startFakeStore();
  for (const [id, store] of [
    ['erase-a', storeA],
    ['erase-b', storeB],
  ] as const) {
    const reg = await registerStore(stack.stores, {
      storeId: id,
      callbackUrl: store.callbackUrl,
      allowOrigins: [store.originUrl],
    });
    store.secret = reg.signingSecret;
    if (id === 'erase-a') a = new StoreClient(stack.api.url, reg.apiKey);
    else b = new StoreClient(stack.api.url, reg.apiKey);
  }
});

after(async () => {
  await stack?.stop();
  await storeA?.close();
  await storeB?.close();
});

/** One session of `ids` for the user, with the file of each made and served by the store. */
async function buy(client: StoreClient, store: FakeStore, userId: string, ids: number[], album: string) {
  for (const id of ids) assert.equal((await client.putLicense(userId, id)).status, 201);
  const cookie = (await client.openSession(userId)).body.cookie;
  const tracks = ids.map((id) => ({
    trackUrl: store.addFile(
      `${userId}-${id}.mp3`,
      makeMp3({ title: `Song ${id}`, artist: `Artist of ${album}`, album, trackNumber: id }),
    ),
    serviceTrackId: id,
    downloadParams: `params-${id}`,
    hrDownload: 0,
  }));
  assert.equal((await client.downloadTracks(cookie, tracks)).status, 200);
  return cookie;
}

/** Every item of every table and index that names the user or one of the cookies. */
async function leftovers(names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const scans = Object.values(tables).flatMap((t) => [
    { shape: t, index: undefined as string | undefined },
    ...('indexes' in t ? t.indexes.map((i) => ({ shape: t, index: i.name as string | undefined })) : []),
  ]);
  for (const { shape, index } of scans) {
    const table = stack.provisioned.names.tables[shapeKey(shape.name)];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await stack.clients.ddb.send(
        new ScanCommand({ TableName: table, ...(index ? { IndexName: index } : {}), ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) {
        const text = JSON.stringify(item);
        if (item.sk === 'erasure') continue;
        if (names.some((n) => text.includes(n))) found.push(`${shape.name}${index ? `/${index}` : ''}: ${text}`);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return found;
}

function shapeKey(name: string): keyof typeof tables {
  const key = (Object.keys(tables) as (keyof typeof tables)[]).find((k) => tables[k].name === name);
  if (!key) throw new Error(`no table ${name}`);
  return key;
}

/** What a user has: library rows, objects, licenses and sessions, as a store and an operator see them. */
async function snapshot(userId: string) {
  const items = await stack.deps.completion.library.listAll(userId);
  const keys = await listKeys(stack.clients.s3, stack.provisioned.names.bucket, `users/${userId}/`);
  const sessions = await stack.deps.completion.sessions.ofUser(userId, 100);
  const licenses = await stack.clients.ddb.send(
    new QueryCommand({
      TableName: stack.provisioned.names.tables.licenses,
      KeyConditionExpression: 'userId = :u',
      ExpressionAttributeValues: { ':u': userId },
    }),
  );
  return { items, keys: keys.sort(), sessions, licenses: licenses.Items };
}

async function listener(method: string, path: string, userId: string, body?: unknown) {
  const res = await fetch(`${stack.api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await stack.issuer.mint(userId)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string } } };
}

test("a user's erasure removes every file, row, license and session in bounded steps, survives killed steps, and tells each store once", {
  timeout: 180_000,
}, async () => {
  const cookies = [
    await buy(a, storeA, gone, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'First Album'),
    await buy(b, storeB, gone, [1, 2, 3], 'Second Album'),
  ];
  const keptCookie = await buy(a, storeA, kept, [1, 2, 3], 'First Album');
  for (const [client, cookie, n] of [
    [a, cookies[0], 12],
    [b, cookies[1], 3],
    [a, keptCookie, 3],
  ] as const)
    assert.equal((await client.waitForSession(cookie ?? '', 60_000)).counts.completed, n);
  // One track still queued when the erasure starts: its origin failed, and its retry is far off.
  assert.equal((await a.putLicense(gone, 100)).status, 201);
  const inFlight = (await a.openSession(gone)).body.cookie;
  storeA.originFaults.set('late.mp3', 'status500');
  const lateUrl = storeA.addFile('late.mp3', makeMp3({ title: 'Late' }));
  assert.equal(
    (await a.downloadTrack(inFlight, { trackUrl: lateUrl, serviceTrackId: 100, downloadParams: 'late', hrDownload: 0 }))
      .status,
    202,
  );
  cookies.push(inFlight);
  const deadline = Date.now() + 30_000;
  while ((storeA.originHits.get('late.mp3') ?? 0) === 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  // A store that only holds a license is told too.
  assert.equal((await b.putLicense(gone, 50)).status, 201);
  const keptBefore = await snapshot(kept);
  assert.equal(keptBefore.items.length, 3);
  const goneBefore = await snapshot(gone);
  assert.equal(goneBefore.items.length, 15);
  assert.ok(goneBefore.keys.length >= 15, goneBefore.keys.join(', '));

  const libraryItems = (
    await stack.clients.ddb.send(
      new QueryCommand({
        TableName: stack.provisioned.names.tables.library,
        KeyConditionExpression: 'userId = :u',
        ExpressionAttributeValues: { ':u': gone },
        Select: 'COUNT',
      }),
    )
  ).Count;

  // One S3 delete and one DynamoDB delete in the middle of the erasure fail once: their steps die
  // part-way (some of the step's writes done, some not) and are taken again from the queue. One
  // step is queued twice, and one step dies after it advanced the erasure but before it queued
  // the next: neither doubles the chain (what was removed is counted once) nor stops it.
  const faults = { deleteObjects: 0, batchDeletes: 0, duplicated: 0, lostNext: 0 };
  const carries = (input: unknown, phase: string) => JSON.stringify(input).includes(`\\"phase\\":\\"${phase}\\"`);
  for (const sqs of stack.functionClients.sqs)
    sqs.middlewareStack.add(
      (next, c) => async (args) => {
        if (c.commandName !== 'SendMessageBatchCommand') return next(args);
        if (carries(args.input, 'licenses') && faults.duplicated++ === 0) await next(args);
        if (carries(args.input, 'library') && faults.lostNext++ === 0) throw new Error('killed: SQS');
        return next(args);
      },
      { step: 'initialize', name: 'duplicateAndLose' },
    );
  for (const s3 of stack.functionClients.s3)
    s3.middlewareStack.add(
      (next, c) => async (args) => {
        if (c.commandName === 'DeleteObjectsCommand' && ++faults.deleteObjects === 2) throw new Error('killed: S3');
        return next(args);
      },
      { step: 'initialize', name: 'killOneDelete' },
    );
  for (const ddb of stack.functionClients.dynamodb)
    ddb.middlewareStack.add(
      (next, c) => async (args) => {
        const text = JSON.stringify(args.input);
        if (
          c.commandName === 'BatchWriteItemCommand' &&
          text.includes('DeleteRequest') &&
          text.includes(stack.provisioned.names.tables.downloads) &&
          ++faults.batchDeletes === 3
        )
          throw new Error('killed: DynamoDB');
        return next(args);
      },
      { step: 'initialize', name: 'killOneBatchDelete' },
    );

  // The listener asks, with the confirmation the page asks for; a wrong one erases nothing.
  assert.equal((await listener('DELETE', '/v1/me', gone, { confirm: 'yes' })).status, 400);
  assert.equal((await listener('GET', '/v1/me/erasure', gone)).status, 404);
  const started = await listener('DELETE', '/v1/me', gone, { confirm: ERASE_CONFIRMATION });
  assert.equal(started.status, 202, JSON.stringify(started.body));
  assert.equal(started.body.state, 'erasing');
  const again = await listener('DELETE', '/v1/me', gone, { confirm: ERASE_CONFIRMATION });
  assert.equal(again.body.erasureId, started.body.erasureId, 'asking again answers the same erasure');

  // While it runs, stores are refused for the user, and say why.
  const refused = await a.putLicense(gone, 200);
  assert.equal(refused.status, 409);
  assert.equal((refused.body as { error: { code: string } }).error.code, 'user_erasing');
  const session = await a.openSession(gone);
  assert.equal(session.status, 409);

  let status = started;
  const until = Date.now() + 120_000;
  while (status.body.state !== 'erased' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    status = await listener('GET', '/v1/me/erasure', gone);
  }
  assert.equal(status.body.state, 'erased', JSON.stringify(status.body));
  assert.ok(
    faults.deleteObjects >= 2 && faults.batchDeletes >= 3 && faults.duplicated >= 1 && faults.lostNext >= 1,
    JSON.stringify(faults),
  );
  const removed = status.body.removed as Record<string, number>;
  assert.ok((removed.objects ?? 0) >= goneBefore.keys.length, JSON.stringify(removed));
  assert.equal(removed.licenses, 17);
  assert.equal(removed.libraryItems, libraryItems, 'each library item counted once: one chain');
  assert.equal(status.body.stores, 2);

  // Nothing of the user is left: not in the bucket, not in any table or index.
  assert.deepEqual(await listKeys(stack.clients.s3, stack.provisioned.names.bucket, `users/${gone}/`), []);
  assert.deepEqual(await leftovers([gone, ...cookies]), []);
  // And nothing of the other user changed.
  assert.deepEqual(await snapshot(kept), keptBefore);

  // Each store that held a license was told once (a step taken twice sends the same event id).
  const erasedEvents = (store: FakeStore) =>
    new Set(store.events.filter((e) => e.body.event === 'UserErased' && e.verified).map((e) => String(e.body.eventId)));
  const waitFor = Date.now() + 30_000;
  while ((erasedEvents(storeA).size === 0 || erasedEvents(storeB).size === 0) && Date.now() < waitFor)
    await new Promise((r) => setTimeout(r, 100));
  for (const store of [storeA, storeB]) {
    assert.equal(erasedEvents(store).size, 1);
    const event = store.events.find((e) => e.body.event === 'UserErased');
    assert.equal(event?.body.userId, gone);
    assert.equal(event?.body.erasureId, started.body.erasureId);
  }
  // The track in flight ended E_ABORT, told as a cancel tells it.
  const late = storeA.events.find((e) => e.body.event === 'DownloadTrackComplete' && e.body.serviceTrackId === 100);
  assert.equal(late?.body.hrResult, formatHResult(HR.E_ABORT));

  // Afterwards the tombstone refuses the user, and says until when.
  const after = await a.putLicense(gone, 300);
  assert.equal(after.status, 409);
  assert.equal((after.body as { error: { code: string } }).error.code, 'user_erased');
  const refusedUntil = Date.parse(String(status.body.refusedUntil));
  assert.ok(Math.abs(refusedUntil - Date.now() - 30 * 86_400_000) < 3_600_000, String(status.body.refusedUntil));
  assert.deepEqual((await listener('GET', '/v1/me/library', gone)).body.items, []);
});
