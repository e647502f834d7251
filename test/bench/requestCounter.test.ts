import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactGetCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { RequestCounter } from '../../bench/requestCounter.js';
import { type AwsClients, createClients } from '../../functions/adapters/clients.js';
import { defaultSettings } from '../../functions/settings.js';
import {
  type DynamoBackend,
  type Emulators,
  localCredentials,
  localRegion,
  startEmulators,
} from '../../infra/local/emulators.js';
import { provision } from '../../infra/local/provision.js';

/**
 * The benchmark's request counter bills DynamoDB as AWS does (bench/billedUnits.ts), on the
 * tables functions/resources.ts declares: the library's claims carry the `claimsByTrack` key.
 */
async function stackOn(dynamo: DynamoBackend) {
  const emulators: Emulators = await startEmulators({ dynamo });
  const clients: AwsClients = createClients(
    {},
    { region: localRegion, credentials: localCredentials, endpoints: emulators.endpoints },
  );
  const { names } = await provision(clients, defaultSettings);
  const counter = new RequestCounter();
  counter.attach(clients.dynamodb, 'dynamodb');
  /** The units the calls in `fn` cost, all tables. */
  const units = async (fn: () => Promise<unknown>) => {
    counter.reset();
    await fn();
    const tallies = Object.values(counter.snapshot());
    return {
      write: tallies.reduce((s, t) => s + t.writeUnits, 0),
      read: tallies.reduce((s, t) => s + t.readUnits, 0),
    };
  };
  const stop = async () => {
    for (const c of [clients.ddb, clients.dynamodb, clients.sqs, clients.s3]) c.destroy();
    await emulators.stop();
  };
  return { clients, library: names.tables.library, downloads: names.tables.downloads, units, stop };
}

type Stack = Awaited<ReturnType<typeof stackOn>>;

const kb = (n: number) => 'x'.repeat(Math.round(n * 1024));
const claim = (userId: string, name: string, extra: Record<string, unknown> = {}) => ({
  userId,
  sk: `key#${name}`,
  owner: 'store1#0000000001',
  key: `users/${userId}/Music/${name}.mp3`,
  claimOf: `${userId}#store1#0000000001`,
  ...extra,
});

describe('write units on dynalite', () => {
  let s: Stack;
  before(async () => {
    s = await stackOn('dynalite');
  });
  after(() => s?.stop());

  test('a key claim costs its table write and its claimsByTrack entry', async () => {
    const put = () => s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: claim('u1', 'a') }));
    assert.deepEqual(await s.units(put), { write: 2, read: 0 });
  });

  test('an item write costs a unit per started KB; an item without the index key costs no index write', async () => {
    const row = { userId: 'u2', sk: 'track#store1#0000000001', blob: kb(2.5) };
    assert.equal(
      (await s.units(() => s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: row })))).write,
      3,
    );
  });

  test('the index entry is billed at its projected size, not the item size', async () => {
    // 3.5 KB item (4 units); its entry holds the keys and the 1.5 KB `key` only (2 units).
    const item = claim('u3', 'big', { key: kb(1.5), owner: kb(2) });
    assert.equal(
      (await s.units(() => s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: item })))).write,
      6,
    );
  });

  test('a write that takes the index key away pays for deleting the entry', async () => {
    await s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: claim('u4', 'a') }));
    const overwrite = () =>
      s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: { userId: 'u4', sk: 'key#a', owner: 'o' } }));
    assert.equal((await s.units(overwrite)).write, 2, 'put over a claim with an item without claimOf');

    await s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: claim('u4', 'b') }));
    const del = () =>
      s.clients.ddb.send(new DeleteCommand({ TableName: s.library, Key: { userId: 'u4', sk: 'key#b' } }));
    assert.equal((await s.units(del)).write, 2, 'delete of a claim');

    await s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: claim('u4', 'c') }));
    const remove = () =>
      s.clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: s.library,
          Key: { userId: { S: 'u4' }, sk: { S: 'key#c' } },
          UpdateExpression: 'REMOVE claimOf',
        }),
      );
    assert.equal((await s.units(remove)).write, 2, 'update removing claimOf');
  });

  test('an update writes the index only when it changes what the index holds', async () => {
    await s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: claim('u5', 'a') }));
    const update = (expression: string, values: Record<string, { S: string }>) => () =>
      s.clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: s.library,
          Key: { userId: { S: 'u5' }, sk: { S: 'key#a' } },
          UpdateExpression: expression,
          ExpressionAttributeNames: { '#k': 'key' },
          ExpressionAttributeValues: values,
        }),
      );
    assert.equal(
      (await s.units(update('SET claimedAt = :t, #k = :k', { ':t': { S: 'now' }, ':k': { S: 'k2' } }))).write,
      2,
    );
    const notProjected = () =>
      s.clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: s.library,
          Key: { userId: { S: 'u5' }, sk: { S: 'key#a' } },
          UpdateExpression: 'SET claimedAt = :t',
          ExpressionAttributeValues: { ':t': { S: 'later' } },
        }),
      );
    assert.equal((await s.units(notProjected)).write, 1);
  });

  test('the caller gets back only the item images it asked for', async () => {
    const out = await s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: claim('u6', 'a') }));
    assert.equal(out.Attributes, undefined);
    const again = await s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: claim('u6', 'a') }));
    assert.equal(again.Attributes, undefined);
    const asked = await s.clients.ddb.send(
      new PutCommand({ TableName: s.library, Item: claim('u6', 'a'), ReturnValues: 'ALL_OLD' }),
    );
    assert.equal(asked.Attributes?.claimOf, 'u6#store1#0000000001');
  });
});

describe('read units on dynalite', () => {
  let s: Stack;
  before(async () => {
    s = await stackOn('dynalite');
    await s.clients.ddb.send(
      new PutCommand({ TableName: s.downloads, Item: { cookie: 'c1', sk: 'session', blob: kb(5) } }),
    );
    await s.clients.ddb.send(
      new PutCommand({ TableName: s.downloads, Item: { cookie: 'c1', sk: 'counts', blob: kb(5) } }),
    );
    for (const n of ['a', 'b', 'c'])
      await s.clients.ddb.send(new PutCommand({ TableName: s.library, Item: claim('r1', n, { key: kb(1.5) }) }));
  });
  after(() => s?.stop());

  test('an eventually consistent read costs half of a strongly consistent one, per started 4 KB', async () => {
    const get = (consistent: boolean) => () =>
      s.clients.ddb.send(
        new GetCommand({ TableName: s.downloads, Key: { cookie: 'c1', sk: 'session' }, ConsistentRead: consistent }),
      );
    assert.equal((await s.units(get(true))).read, 2);
    assert.equal((await s.units(get(false))).read, 1);
    const miss = () =>
      s.clients.dynamodb.send(
        new GetItemCommand({ TableName: s.downloads, Key: { cookie: { S: 'none' }, sk: { S: 'session' } } }),
      );
    assert.equal((await s.units(miss)).read, 0.5, 'a read that finds nothing');
  });

  test('a batch read rounds each item on its own', async () => {
    const batch = () =>
      s.clients.ddb.send(
        new BatchGetCommand({
          RequestItems: {
            [s.downloads]: {
              Keys: [
                { cookie: 'c1', sk: 'session' },
                { cookie: 'c1', sk: 'counts' },
              ],
              ConsistentRead: true,
            },
          },
        }),
      );
    assert.equal((await s.units(batch)).read, 4);
  });

  test('a query of the claims index costs the entries it reads, eventually consistent', async () => {
    // Three entries of ~1.6 KB: 4.8 KB, two 4 KB units, halved.
    const query = () =>
      s.clients.dynamodb.send(
        new QueryCommand({
          TableName: s.library,
          IndexName: 'claimsByTrack',
          KeyConditionExpression: 'claimOf = :c',
          ExpressionAttributeValues: { ':c': { S: 'r1#store1#0000000001' } },
        }),
      );
    assert.equal((await s.units(query)).read, 1);
  });
});

describe('transactions on DynamoDB Local', () => {
  let s: Stack;
  before(async () => {
    s = await stackOn('dynamodb-local');
  });
  after(() => s?.stop());

  test('a transaction costs twice what its writes and reads cost alone', async () => {
    const write = () =>
      s.clients.ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: s.library, Item: claim('t1', 'a') } },
            { Put: { TableName: s.library, Item: { userId: 't1', sk: 'track#store1#0000000001' } } },
          ],
        }),
      );
    // (claim 1 + its index entry 1 + row 1) × 2.
    assert.equal((await s.units(write)).write, 6);
    const read = () =>
      s.clients.ddb.send(
        new TransactGetCommand({
          TransactItems: [{ Get: { TableName: s.library, Key: { userId: 't1', sk: 'key#a' } } }],
        }),
      );
    assert.equal((await s.units(read)).read, 2);
  });
});
