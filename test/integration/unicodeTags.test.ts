import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { MessageRefused, QueueSender, queueBody } from '../../functions/adapters/queues.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
/** Every ApproximateReceiveCount either function saw, to prove each track ended on its first attempt. */
const receives: { fn: string; count: string }[] = [];
const noteReceives = (fn: string, event: SQSEvent) => {
  for (const r of event.Records) receives.push({ fn, count: r.attributes.ApproximateReceiveCount ?? '1' });
};

before(async () => {
  ({ stack, store, client } = await startStoreOnStack('unicode-shop', {
    stack: {
      wrap: {
        worker: (h) => (event, ctx) => {
          noteReceives('worker', event);
          return h(event, ctx);
        },
        completion: (h) => (event, ctx) => {
          noteReceives('completion', event);
          return h(event, ctx);
        },
      },
    },
  }));
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

test('a queue body is ASCII and parses back to the same value, for any string', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.string({ unit: 'grapheme', maxLength: 16 }),
      (a, b) => {
        const value = { a, b, n: 1 };
        const body = queueBody(value);
        assert.match(body, /^[\x20-\x7e]*$/);
        assert.deepEqual(JSON.parse(body), value);
      },
    ),
  );
});

async function freshQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  const out = await stack.clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  assert.ok(out.QueueUrl);
  return out.QueueUrl;
}

async function receiveAll(queueUrl: string): Promise<unknown[]> {
  const out = await stack.clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? 'null'));
}

test('a message outside the Basic Multilingual Plane reaches the queue as it was sent', async () => {
  const queueUrl = await freshQueue('unicode-plain');
  const sender = new QueueSender<{ title: string }>(stack.clients.sqs, queueUrl);
  const sent = [{ title: 'Family 👨‍👩‍👧 Time ❤️' }, { title: '\uFFFE\uFFFF \u{10FFFD}' }];
  await sender.send(sent);
  assert.deepEqual(await receiveAll(queueUrl), sent);
});

test('a send whose SendMessageBatch call fails rejects: its messages are never taken as sent', async () => {
  const queueUrl = await freshQueue('send-call-fails');
  const sender = new QueueSender<{ title: string }>(stack.clients.sqs, queueUrl);
  let calls = 0;
  stack.clients.sqs.middlewareStack.add(
    (next, c) => async (args) => {
      if (c.commandName === 'SendMessageBatchCommand' && ++calls === 1) throw new Error('connection reset');
      return next(args);
    },
    { step: 'initialize', name: 'failOneSend' },
  );
  try {
    await assert.rejects(sender.send([{ title: 'first' }]), /connection reset/);
    await sender.send([{ title: 'second' }]);
  } finally {
    stack.clients.sqs.middlewareStack.remove('failOneSend');
  }
  assert.deepEqual(await receiveAll(queueUrl), [{ title: 'second' }]);
});

test('a message refused for its content fails alone: its batch-mates are sent', async () => {
  // A queue that takes 1 KiB at most, so a 2 KB message is over its limit.
  const queueUrl = await freshQueue('unicode-refused', { MaximumMessageSize: '1024' });
  const sender = new QueueSender<{ title: string }>(stack.clients.sqs, queueUrl);
  const huge = { title: 'x'.repeat(2000) };
  const [small, big] = await Promise.allSettled([sender.sendSoon({ title: 'small' }), sender.sendSoon(huge)]);
  assert.equal(small?.status, 'fulfilled');
  assert.equal(big?.status, 'rejected');
  assert.ok(big?.status === 'rejected' && big.reason instanceof MessageRefused, String(big));
  await assert.rejects(sender.send([{ title: 'also small' }, huge]), MessageRefused);
  assert.deepEqual(await receiveAll(queueUrl), [{ title: 'small' }, { title: 'also small' }]);
});

// Tags from all of Unicode: astral emoji, joiners, U+FFFE/U+FFFF, controls, other planes.
const awkward = [
  'Emoji 🎸 Band',
  'Party 🎉',
  'Family 👨‍👩‍👧 Time ❤️',
  '\uFFFE\uFFFF',
  '𝄞 Clef',
  'Tab\there',
  '\u{10FFFD}',
];
const tag = fc.oneof(fc.constantFrom(...awkward), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }));

test('tracks tagged with any Unicode all end completed, each on its first attempt through both queues', async () => {
  const samples = fc.sample(fc.record({ title: tag, artist: tag, album: tag }), { numRuns: 24, seed: 1912 });
  const tracks = [...awkward.map((t) => ({ title: t, artist: t, album: t })), ...samples];
  const user = 'unicode-user';
  const cookie = (await client.openSession(user)).body.cookie;
  for (const [i, tags] of tracks.entries()) {
    const id = 9000 + i;
    await client.putLicense(user, id);
    const url = store.addFile(`u${i}.mp3`, makeMp3({ ...tags, trackNumber: (i % 20) + 1 }));
    const res = await client.downloadTrack(cookie, {
      trackUrl: url,
      serviceTrackId: id,
      downloadParams: tags.title,
      hrDownload: 0,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
  }
  const deadline = Date.now() + 60_000;
  const done = () => store.events.filter((e) => e.body.event === 'DownloadTrackComplete');
  while (done().length < tracks.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const events = done();
  assert.equal(events.length, tracks.length, `${events.length} of ${tracks.length} tracks were told`);
  for (const e of events) {
    assert.equal(e.body.hrResult, '0x00000000', JSON.stringify(e.body));
    // downloadParams come back byte for byte, whatever they hold.
    const i = Number(e.body.serviceTrackId) - 9000;
    assert.equal(e.body.downloadParams, tracks[i]?.title);
  }
  assert.deepEqual(
    receives.filter((r) => r.count !== '1'),
    [],
    'no message had to come back',
  );
});
