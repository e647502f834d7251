import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * What `trackdrop dlq redrive` does: receive from the dead-letter queue → send the body to the
 * main queue → delete from the DLQ, until the DLQ answers empty twice. Received messages stay
 * hidden for the whole run, so none is moved twice.
 */
export async function redriveDlq(sqs: SQSClient, dlqUrl: string, mainUrl: string, opts: { waitSeconds?: number } = {}): Promise<{ moved: number; bodies: string[] }> {
  const bodies: string[] = [];
  let empty = 0;
  while (empty < 2) {
    const res = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300, WaitTimeSeconds: opts.waitSeconds ?? 0, MessageAttributeNames: ['All'] }),
    );
    const messages = res.Messages ?? [];
    empty = messages.length === 0 ? empty + 1 : 0;
    for (const m of messages) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: mainUrl,
          MessageBody: m.Body ?? '',
          ...(m.MessageAttributes && Object.keys(m.MessageAttributes).length > 0 ? { MessageAttributes: m.MessageAttributes } : {}),
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
      bodies.push(m.Body ?? '');
    }
  }
  return { moved: bodies.length, bodies };
}
