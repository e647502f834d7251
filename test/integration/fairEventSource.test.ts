import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateQueueCommand, SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { LocalStack } from '../../infra/local/localStack.js';
import { queueFairness } from '../../infra/local/localTenant.js';
import { QueuePoller } from '../../infra/local/queuePoller.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// The local event source against the queue emulator, which hands out a standard queue's messages
// in the order they came: with the fair queue's rules a quiet store's message behind a noisy
// store's backlog is handled within a few batches, without them after the whole backlog.

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
const sent: { queue: string; entry: SendMessageBatchRequestEntry }[] = [];

before(async () => {
  ({ stack, store, client } = await startStoreOnStack('fair-store'));
  // Every SendMessageBatch the functions make, as the SDK sends it.
  for (const sqs of stack.functionClients.sqs)
    sqs.middlewareStack.add(
      (next, ctx) => async (args) => {
        const input = args.input as { QueueUrl?: string; Entries?: SendMessageBatchRequestEntry[] };
        if (ctx.commandName === 'SendMessageBatchCommand')
          for (const entry of input.Entries ?? []) sent.push({ queue: input.QueueUrl ?? '', entry });
        return next(args);
      },
      { step: 'initialize', name: 'recordSends' },
    );
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

/** A new queue of the stack's emulator holding `n` messages of store A. */
async function backlog(name: string, n: number): Promise<string> {
  const created = await stack.clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const queueUrl = created.QueueUrl ?? '';
  for (let i = 0; i < n; i += 10) {
    const entries = Array.from({ length: Math.min(10, n - i) }, (_, j) => ({
      Id: String(j),
      MessageBody: JSON.stringify({ storeId: 'store-a', i: i + j }),
      MessageGroupId: 'store-a',
    }));
    await stack.clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
  return queueUrl;
}

/**
 * Drains A's backlog through a poller of four invocations of ten, each 50 ms; store B's one
 * message comes 500 ms in, behind what is left of it. Answers the order the messages were
 * handled in, and how many were handled or in flight when B's was sent.
 */
async function drainWithOneLate(queueUrl: string, a: number, fair: boolean) {
  const order: string[] = [];
  let started = 0;
  let finished: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const poller = new QueuePoller({
    sqs: stack.clients.sqs,
    queueUrl,
    consumer: { batchSize: 10, batchingWindowSeconds: 0, maxConcurrency: 4, maxReceiveCount: 0, dlqRetentionDays: 0 },
    ...queueFairness(fair),
    handler: async (event: SQSEvent) => {
      started += event.Records.length;
      await new Promise((r) => setTimeout(r, 50));
      for (const r of event.Records) order.push(r.body.includes('store-b') ? 'B' : 'A');
      if (order.length > a) finished();
      return undefined;
    },
  });
  await poller.start();
  await new Promise((r) => setTimeout(r, 500));
  const startedBeforeB = started;
  await stack.clients.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: [{ Id: '0', MessageBody: JSON.stringify({ storeId: 'store-b' }), MessageGroupId: 'store-b' }],
    }),
  );
  await all;
  await poller.stop();
  return { order, startedBeforeB };
}

describe('the local event source', () => {
  test('as a fair queue, serves a quiet store before a noisy store’s backlog', async () => {
    const url = await backlog('fair-on', 1000);
    const { order, startedBeforeB } = await drainWithOneLate(url, 1000, true);
    assert.equal(order.length, 1001);
    assert.ok(startedBeforeB < 600, `the backlog was mostly left when B came (${startedBeforeB} started)`);
    // A holds all 40 in flight, so it is noisy: B goes in the next batch that starts.
    const b = order.indexOf('B');
    assert.ok(
      b <= startedBeforeB + 40,
      `B was handled ${b + 1}th of 1001, ${startedBeforeB} had started before it came`,
    );
  });

  test('first come, first served without fairness: the same message waits for the whole backlog', async () => {
    const url = await backlog('fair-off', 1000);
    const { order } = await drainWithOneLate(url, 1000, false);
    assert.equal(order.indexOf('B'), 1000);
  });
});

test('every message the functions send names its store as its MessageGroupId', async () => {
  sent.length = 0;
  await client.putLicense('tenant-user', 1);
  await client.putLicense('tenant-user', 2);
  const cookie = (await client.openSession('tenant-user')).body.cookie;
  for (const id of [1, 2]) {
    const trackUrl = store.addFile(`t${id}.mp3`, makeMp3({ title: `T${id}`, artist: 'Tenant' }));
    await client.downloadTrack(cookie, { trackUrl, serviceTrackId: id, downloadParams: '', hrDownload: 0 });
  }
  await client.waitForSession(cookie);
  const other = (await client.openSession('tenant-user')).body.cookie;
  assert.equal((await client.call('DELETE', `/v1/downloads/${other}`)).status, 202);
  const { downloads, completions } = stack.provisioned.names.queueUrls;
  const deadline = Date.now() + 10_000;
  // The session, two tracks, their two completions and sixteen cancel chunks, at least.
  while (sent.filter((s) => s.queue === completions).length < 19 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  assert.equal(sent.filter((s) => s.queue === downloads).length, 2);
  assert.ok(sent.filter((s) => s.queue === completions).length >= 19);
  for (const { queue, entry } of sent) {
    assert.ok(queue === downloads || queue === completions, queue);
    assert.equal(entry.MessageGroupId, 'fair-store', entry.MessageBody);
  }
});
