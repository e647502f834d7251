import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Sends JSON messages in SendMessageBatch calls of ten, retrying the entries SQS refused, so a
 * DownloadTrack batch of 100 costs 10 requests rather than 100.
 */
export class QueueSender<T> {
  private pending: { message: T; done: (err?: unknown) => void }[] = [];

  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
  ) {}

  async send(messages: readonly T[], delaySeconds = 0): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      let entries = messages.slice(i, i + 10).map((m, j) => ({
        Id: String(j),
        MessageBody: JSON.stringify(m),
        ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
      }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        if (failed.size > 0 && attempt >= 5) {
          throw new Error(`SQS refused ${failed.size} message(s): ${out.Failed?.map((f) => f.Code).join(', ')}`);
        }
        entries = entries.filter((e) => failed.has(e.Id));
      }
    }
  }

  /**
   * Sends one message together with the others asked for in the same turn of the event loop:
   * records of a batch processed in parallel share SendMessageBatch calls. Resolves once this
   * message is on the queue.
   */
  sendSoon(message: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ message, done: (err) => (err ? reject(err) : resolve()) });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      await this.send(batch.map((p) => p.message));
      for (const p of batch) p.done();
    } catch (err) {
      for (const p of batch) p.done(err);
    }
  }

  /** Hides a received message for `seconds`: how a failed record waits before its next try. */
  async delay(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }
}
