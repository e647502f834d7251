import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { type AwsClients, createClients } from '../../functions/adapters/clients.js';
import { redriveDlq } from '../../functions/service/admin/redriveDlq.js';
import { type Emulators, localCredentials, localRegion, startEmulators } from '../../infra/local/emulators.js';
import { queueDepth } from '../support/receiveEvent.js';

let emulators: Emulators;
let clients: AwsClients;

before(async () => {
  emulators = await startEmulators({});
  clients = createClients({}, { region: localRegion, credentials: localCredentials, endpoints: emulators.endpoints });
});

after(async () => {
  clients?.sqs.destroy();
  await emulators?.stop();
});

const queue = async (name: string) => (await clients.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;

test('a redrive moves every message back; one it cannot send stays in the dead-letter queue and is reported', async () => {
  const dlq = await queue('redrive-dlq');
  const main = await queue('redrive-main');
  for (const body of ['{"a":1}', '{"a":2}'])
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: body }));
  assert.deepEqual(await redriveDlq(clients.sqs, dlq, main), { moved: 2, failed: [] });
  assert.equal((await queueDepth(clients.sqs, main)).visible, 2);
  assert.deepEqual(await queueDepth(clients.sqs, dlq), { visible: 0, inFlight: 0 });

  await clients.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: '{"a":3}' }));
  const gone = main.replace(/redrive-main$/, 'no-such-queue');
  const res = await redriveDlq(clients.sqs, dlq, gone);
  assert.equal(res.moved, 0);
  assert.equal(res.failed.length, 1, 'reported');
  assert.deepEqual(
    await queueDepth(clients.sqs, dlq),
    { visible: 0, inFlight: 1 },
    'kept (hidden until its visibility ends), not deleted',
  );
});
