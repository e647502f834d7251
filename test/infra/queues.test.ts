import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { defaultSettings, type FunctionSettings, type QueueConsumerSettings } from '../../functions/settings.js';
import type { TrackdropFunction } from '../../infra/cdk/TrackdropFunction.js';
import { logicalId, synthStack } from './stackFixture.js';

const { stack, template } = synthStack();
const { queues, functions } = stack;

interface ConsumedQueue {
  readonly name: string;
  readonly queue: Queue;
  readonly dlq: Queue;
  readonly consumer: TrackdropFunction;
  readonly consumerSettings: QueueConsumerSettings;
  readonly functionSettings: FunctionSettings;
}

const cases: ConsumedQueue[] = [
  {
    name: 'downloads',
    queue: queues.downloads,
    dlq: queues.downloadsDlq,
    consumer: functions.worker,
    consumerSettings: defaultSettings.downloads,
    functionSettings: defaultSettings.functions.worker,
  },
  {
    name: 'completions',
    queue: queues.completions,
    dlq: queues.completionsDlq,
    consumer: functions.completion,
    consumerSettings: defaultSettings.completions,
    functionSettings: defaultSettings.functions.completion,
  },
  {
    name: 'slow callbacks',
    queue: queues.slowCallbacks,
    dlq: queues.slowCallbacksDlq,
    consumer: functions.completion,
    consumerSettings: defaultSettings.slowCallbacks,
    functionSettings: defaultSettings.functions.completion,
  },
  {
    name: 'erasures',
    queue: queues.erasures,
    dlq: queues.erasuresDlq,
    consumer: functions.worker,
    consumerSettings: defaultSettings.erasures,
    functionSettings: defaultSettings.functions.worker,
  },
];

function queueProperties(queue: Queue): Record<string, unknown> {
  const resource = template.findResources('AWS::SQS::Queue')[logicalId(queue)] as
    | { Properties: Record<string, unknown> }
    | undefined;
  assert.ok(resource, `${queue.node.path} is in the template`);
  return resource.Properties;
}

test('four queues, each with its own dead-letter queue', () => {
  template.resourceCountIs('AWS::SQS::Queue', 8);
});

test('the main queues are standard queues, so messages with a MessageGroupId make them fair queues', () => {
  for (const c of cases) {
    const props = queueProperties(c.queue);
    assert.equal(props.FifoQueue, undefined, `${c.name} is no FIFO queue`);
    assert.equal(props.ContentBasedDeduplication, undefined, c.name);
  }
});

test("the slow lane runs on Lambda's least concurrency, two invocations", () => {
  assert.equal(defaultSettings.slowCallbacks.maxConcurrency, 2);
  template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
    EventSourceArn: { 'Fn::GetAtt': [logicalId(queues.slowCallbacks), 'Arn'] },
    ScalingConfig: { MaximumConcurrency: 2 },
  });
});

for (const c of cases) {
  test(`${c.name}: redrive to its DLQ after maxReceiveCount receives`, () => {
    assert.deepEqual(queueProperties(c.queue).RedrivePolicy, {
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(c.dlq), 'Arn'] },
      maxReceiveCount: c.consumerSettings.maxReceiveCount,
    });
    assert.equal(queueProperties(c.dlq).MessageRetentionPeriod, c.consumerSettings.dlqRetentionDays * 86_400);
  });

  test(`${c.name}: visibility timeout is at least 6x the consumer's timeout`, () => {
    const visibility = queueProperties(c.queue).VisibilityTimeout;
    assert.equal(typeof visibility, 'number');
    assert.ok((visibility as number) >= 6 * c.functionSettings.timeoutSeconds, `${String(visibility)}s`);
  });

  test(`${c.name}: queue and DLQ are SQS-encrypted and refuse plain HTTP`, () => {
    for (const queue of [c.queue, c.dlq]) {
      assert.equal(queueProperties(queue).SqsManagedSseEnabled, true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  test(`${c.name}: consumed by its function with partial batch responses and bounded concurrency`, () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(c.queue), 'Arn'] },
      FunctionName: { Ref: logicalId(c.consumer) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: c.consumerSettings.batchSize,
      MaximumBatchingWindowInSeconds: c.consumerSettings.batchingWindowSeconds,
      ScalingConfig: { MaximumConcurrency: c.consumerSettings.maxConcurrency },
    });
  });
}

test('nothing consumes a DLQ: exactly one event source per main queue', () => {
  template.resourceCountIs('AWS::Lambda::EventSourceMapping', 4);
});
