import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { toSqsRecord } from '../../infra/local/sqsRecord.js';

/** Receives what is on a real queue and wraps it as the SQS event Lambda would deliver. */
export async function receiveEvent(
  sqs: SQSClient,
  queueUrl: string,
  opts: { max?: number; waitSeconds?: number; visibility?: number } = {},
): Promise<SQSEvent> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: opts.max ?? 10,
      WaitTimeSeconds: opts.waitSeconds ?? 1,
      MessageSystemAttributeNames: ['All'],
      ...(opts.visibility !== undefined ? { VisibilityTimeout: opts.visibility } : {}),
    }),
  );
  // The queue's ARN as Lambda gives it: it ends with the queue's name, as the URL does.
  const arn = `arn:aws:sqs:us-east-1:000000000000:${queueUrl.slice(queueUrl.lastIndexOf('/') + 1)}`;
  return { Records: (out.Messages ?? []).map((m) => toSqsRecord(m, arn)) };
}

/** Deletes what a handler did not report as failed, as the event source does. */
export async function ack(
  sqs: SQSClient,
  queueUrl: string,
  event: SQSEvent,
  failed: readonly string[] = [],
): Promise<void> {
  for (const r of event.Records) {
    if (!failed.includes(r.messageId))
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: r.receiptHandle }));
  }
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** Receives until `count` records are in hand (a long poll returns as soon as one is there). */
export async function receiveCount(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
  timeoutMs = 10_000,
): Promise<SQSEvent> {
  const records: SQSEvent['Records'] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count && Date.now() < deadline) {
    records.push(...(await receiveEvent(sqs, queueUrl, { max: count - records.length })).Records);
  }
  return { Records: records };
}
