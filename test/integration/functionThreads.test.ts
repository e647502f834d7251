import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startFunctionThread } from '../../infra/local/functionThread.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';

test('a function thread that dies is told once, by name, fails the call it owed, and still closes', async () => {
  const deaths: Error[] = [];
  const thread = await startFunctionThread({
    main: new URL('../support/crashingThreadMain.ts', import.meta.url),
    workerData: {},
    name: 'the test-fn thread',
    onMessage: (m) =>
      typeof m === 'object' && m !== null && 'id' in m && typeof m.id === 'number'
        ? { id: m.id, reply: 'answered' }
        : undefined,
    onDied: (err) => deaths.push(err),
  });
  assert.equal(await thread.call((id) => ({ id })), 'answered');
  assert.equal(thread.dead, undefined);
  await assert.rejects(
    thread.call((id) => ({ id, crash: true })),
    /the test-fn thread .*a bug in the function/,
  );
  assert.ok(thread.dead);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(deaths.length, 1, 'one death reported, not one per event');
  assert.match(deaths[0]!.message, /the test-fn thread .*a bug in the function/);
  await assert.rejects(
    thread.call((id) => ({ id })),
    /a bug in the function/,
    'a dead thread fails calls at once',
  );
  await thread.close();
  await thread.close();
});

// An event source stopped while its start is still under way must not start polling after the
// stop was answered: the scale run pauses the worker's source that way to hold tracks queued.
for (const kind of ['in-process', 'threads'] as const) {
  describe(kind === 'threads' ? 'an event source in its own thread' : 'an event source on the stack’s loop', () => {
    let stack: LocalStack;
    before(async () => {
      stack = await startLocalStack({ pollers: false, host: { kind } });
    });
    after(async () => {
      await stack?.stop();
    });

    test('stopped while it starts, it takes no message', async () => {
      const source = stack.pollers.downloads;
      const starting = source.start();
      await source.stop();
      await starting;
      const QueueUrl = stack.provisioned.names.queueUrls.downloads;
      await stack.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{}' }));
      await new Promise((r) => setTimeout(r, 2500));
      const attrs = await stack.clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, '1');
      assert.equal(source.stats.invocations, 0);
    });
  });
}
