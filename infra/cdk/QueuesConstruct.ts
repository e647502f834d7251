import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type FunctionSettings,
  type QueueConsumerSettings,
  type TrackdropSettings,
  visibilityTimeoutSeconds,
} from '../../functions/settings.js';

export interface QueuesConstructProps {
  readonly settings: TrackdropSettings;
}

/** The downloads, completions, slow-callbacks and erasures queues, each with its own dead-letter queue. */
export class QueuesConstruct extends Construct {
  public readonly downloads: Queue;
  public readonly downloadsDlq: Queue;
  public readonly completions: Queue;
  public readonly completionsDlq: Queue;
  public readonly slowCallbacks: Queue;
  public readonly slowCallbacksDlq: Queue;
  public readonly erasures: Queue;
  public readonly erasuresDlq: Queue;

  constructor(scope: Construct, id: string, { settings }: QueuesConstructProps) {
    super(scope, id);
    // Each queue's visibility timeout follows the function that consumes it.
    [this.downloads, this.downloadsDlq] = queueWithDlq(
      this,
      'Downloads',
      settings.downloads,
      settings.functions.worker,
    );
    [this.completions, this.completionsDlq] = queueWithDlq(
      this,
      'Completions',
      settings.completions,
      settings.functions.completion,
    );
    [this.slowCallbacks, this.slowCallbacksDlq] = queueWithDlq(
      this,
      'SlowCallbacks',
      settings.slowCallbacks,
      settings.functions.completion,
    );
    [this.erasures, this.erasuresDlq] = queueWithDlq(this, 'Erasures', settings.erasures, settings.functions.worker);
  }
}

function queueWithDlq(
  scope: Construct,
  id: string,
  consumer: QueueConsumerSettings,
  consumerFunction: FunctionSettings,
): [Queue, Queue] {
  const dlq = new Queue(scope, `${id}Dlq`, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(consumer.dlqRetentionDays),
  });
  const queue = new Queue(scope, `${id}Queue`, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // Lambda advises at least 6× the function timeout, so a retried batch never overlaps a slow one.
    visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(consumerFunction)),
    deadLetterQueue: { queue: dlq, maxReceiveCount: consumer.maxReceiveCount },
  });
  return [queue, dlq];
}
