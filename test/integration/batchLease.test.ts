import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { holdBatch } from '../../functions/service/worker/batchLease.js';
import { defaultSettings } from '../../functions/settings.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { ack, receiveEvent } from '../support/receiveEvent.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

// The worker's own hold on the downloads it works on, against the queue emulator: the queue's
// visibility timeout is 30 minutes, so a message seen again within seconds was released by the
// lease running out or by its retry wait, and one not seen was held.

const leaseSeconds = 3;
const retrySeconds = 10;
let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;

before(async () => {
  const settings = {
    ...defaultSettings,
    downloadLease: { leaseSeconds, retryBaseSeconds: retrySeconds, retryMaxSeconds: retrySeconds },
  };
  ({ stack, store, client } = await startStoreOnStack('lease-store', { stack: { pollers: false, settings } }));
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

const queueUrl = () => stack.provisioned.names.queueUrls.downloads;
const sqs = () => stack.clients.sqs;

test('a batch is held past its lease while the worker runs, and back within the lease once it stops', async () => {
  await sqs().send(new SendMessageCommand({ QueueUrl: queueUrl(), MessageBody: '{"held":1}' }));
  const event = await receiveEvent(sqs(), queueUrl());
  assert.equal(event.Records.length, 1);
  const lease = await holdBatch(stack.deps.worker, event.Records);
  // Renewed every second: twice the lease later it is still hidden.
  assert.equal((await receiveEvent(sqs(), queueUrl(), { waitSeconds: leaseSeconds * 2 })).Records.length, 0);
  // Renewals stop, as they do when the container dies: what is left of the lease, then back.
  await lease.end([]);
  const again = await receiveEvent(sqs(), queueUrl(), { waitSeconds: leaseSeconds + 2 });
  assert.equal(again.Records.length, 1, 'received again within the lease, not the queue’s 30 minutes');
  assert.equal(again.Records[0]?.attributes.ApproximateReceiveCount, '2');
  await ack(sqs(), queueUrl(), again);
});

test('a track the worker reports for retry waits its retry wait: not its lease, not the queue’s timeout', async () => {
  await client.putLicense('lease-user', 77);
  const cookie = (await client.openSession('lease-user')).body.cookie;
  const trackUrl = store.addFile('retry.mp3', makeMp3({ title: 'Retried' }));
  store.originFaults.set('retry.mp3', 'status500');
  const sent = await client.downloadTrack(cookie, { trackUrl, serviceTrackId: 77, downloadParams: 'r', hrDownload: 0 });
  assert.equal(sent.status, 202);
  const event = await receiveEvent(sqs(), queueUrl());
  const res = await stack.handlers.worker(event);
  assert.deepEqual(
    res.batchItemFailures?.map((f) => f.itemIdentifier),
    event.Records.map((r) => r.messageId),
    'the origin error is retried',
  );
  // The wait is between half and all of retrySeconds: hidden past the lease, back before 30 minutes.
  assert.equal((await receiveEvent(sqs(), queueUrl(), { waitSeconds: leaseSeconds + 1 })).Records.length, 0);
  store.originFaults.delete('retry.mp3');
  const again = await receiveEvent(sqs(), queueUrl(), { waitSeconds: retrySeconds + 2 });
  assert.equal(again.Records.length, 1);
  const done = await stack.handlers.worker(again);
  assert.deepEqual(done.batchItemFailures, []);
  await ack(sqs(), queueUrl(), again);
  assert.equal((await stack.deps.worker.tracks.get(cookie, 77))?.state, 'stored');
});
