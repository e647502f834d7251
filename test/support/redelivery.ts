import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import type { LocalStack } from '../../infra/local/localStack.js';
import { ack, receiveEvent } from './receiveEvent.js';

/** Makes the records visible again at once: what SQS does when their visibility timeout ends. */
export async function releaseForRedelivery(
  sqs: SQSClient,
  queueUrl: string,
  event: SQSEvent,
  only?: readonly string[],
): Promise<void> {
  for (const r of event.Records) {
    if (only && !only.includes(r.messageId)) continue;
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: r.receiptHandle, VisibilityTimeout: 0 }),
    );
  }
}

/**
 * Runs the completion function by hand over everything on the completions queue and its slow
 * lane, as their event sources would, until both answer empty. Returns the message ids it
 * reported as failed (left in flight for their backoff).
 */
export async function runCompletions(stack: LocalStack, opts: { rounds?: number } = {}): Promise<string[]> {
  const { completions, slowCallbacks } = stack.provisioned.names.queueUrls;
  const failed: string[] = [];
  for (let round = 0; round < (opts.rounds ?? 20); round++) {
    let handled = 0;
    for (const url of [completions, slowCallbacks]) {
      const event = await receiveEvent(stack.clients.sqs, url, { waitSeconds: 0 });
      if (event.Records.length === 0) continue;
      handled += event.Records.length;
      const res = await stack.handlers.completion(event);
      const f = (res.batchItemFailures ?? []).map((x) => x.itemIdentifier);
      failed.push(...f);
      await ack(stack.clients.sqs, url, event, f);
    }
    if (handled === 0) break;
  }
  return failed;
}

/** Polls `cond` until it holds; throws after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
