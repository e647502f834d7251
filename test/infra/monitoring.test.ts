import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { defaultSettings } from '../../functions/settings.js';
import { logicalId, synthStack } from './stackFixture.js';

const { stack, template } = synthStack();
const { queues, functions } = stack;

const alarmOn = (metricName: string, dimensions: Record<string, unknown>, threshold: number): void => {
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: metricName,
    Dimensions: [Match.objectLike(dimensions)],
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    EvaluationPeriods: 1,
    TreatMissingData: 'notBreaching',
  });
};
const queueName = (q: typeof queues.downloads) => ({
  Name: 'QueueName',
  Value: { 'Fn::GetAtt': [logicalId(q), 'QueueName'] },
});

test('ten alarms: four DLQs, two queue ages, four functions', () => {
  template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
  assert.equal(stack.monitoring.alarms.length, 10);
});

test('a single dead-lettered message raises an alarm', () => {
  for (const dlq of [queues.downloadsDlq, queues.completionsDlq, queues.slowCallbacksDlq, queues.erasuresDlq]) {
    alarmOn('ApproximateNumberOfMessagesVisible', queueName(dlq), 1);
  }
});

test('old messages on the main queues raise an alarm', () => {
  alarmOn('ApproximateAgeOfOldestMessage', queueName(queues.downloads), 15 * 60);
  const completionsLimit = defaultSettings.callbacks.maxBackoffSeconds * 4;
  alarmOn('ApproximateAgeOfOldestMessage', queueName(queues.completions), completionsLimit);
});

test('any function error raises an alarm', () => {
  for (const fn of [functions.api, functions.worker, functions.completion, functions.listener]) {
    alarmOn('Errors', { Name: 'FunctionName', Value: { Ref: logicalId(fn) } }, 1);
  }
});

test('a dashboard shows the alarms and the throughput', () => {
  template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
  const body = JSON.stringify(dashboard);
  const throughput = ['NumberOfMessagesSent', 'NumberOfMessagesDeleted', 'Invocations', 'Count'];
  for (const metric of [...throughput, 'ApproximateAgeOfOldestMessage']) {
    assert.ok(body.includes(metric), metric);
  }
  for (const alarm of stack.monitoring.alarms) {
    assert.ok(body.includes(logicalId(alarm)), `the status widget shows ${alarm.node.id}`);
  }
});
