import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface RedriveResult {
  readonly moved: number;
  /** Messages that could not be sent back: they stay in the dead-letter queue, visible again later. */
  readonly failed: readonly string[];
}

/**
 * The operator's `trackdrop dlq redrive` (and the chaos run's): receive from the dead-letter
 * queue → send the body to the main queue → delete from the DLQ, until the DLQ answers empty
 * twice. A received message stays hidden for the whole run, so none is moved twice; one whose
 * send fails is kept, never deleted, and reported. A send whose delete fails only duplicates
 * it: every consumer is idempotent.
 */
export async function redriveDlq(
  sqs: SQSClient,
  dlqUrl: string,
  mainUrl: string,
  opts: { waitSeconds?: number } = {},
): Promise<RedriveResult> {
  const failed: string[] = [];
  let moved = 0;
  let empty = 0;
  while (empty < 2) {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 300,
        WaitTimeSeconds: opts.waitSeconds ?? 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    const messages = res.Messages ?? [];
    empty = messages.length === 0 ? empty + 1 : 0;
    for (const m of messages) {
      try {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: mainUrl,
            MessageBody: m.Body ?? '',
            // Its tenant on the fair queue, as it was sent.
            ...(m.Attributes?.MessageGroupId ? { MessageGroupId: m.Attributes.MessageGroupId } : {}),
            ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0
              ? { MessageAttributes: m.MessageAttributes }
              : {}),
          }),
        );
      } catch (err) {
        failed.push(`${m.MessageId}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
      moved += 1;
    }
  }
  return { moved, failed };
}
