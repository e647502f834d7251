import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** ChangeMessageVisibilityBatch takes at most ten entries. */
const MAX_ENTRIES = 10;

export interface VisibilityChange {
  readonly receiptHandle: string;
  /** Seconds from now until the message may be received again (0–43,200). */
  readonly seconds: number;
}

/** Sets how long received messages of one queue stay hidden, ten to a call. */
export class QueueVisibility {
  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
  ) {}

  /**
   * Applies every change; answers how many SQS refused (a message deleted meanwhile, a receipt
   * handle too old). A refused change leaves that message's visibility as it was, which the
   * caller's next change or the queue's own timeout covers, so it is counted, not thrown.
   */
  async change(changes: readonly VisibilityChange[]): Promise<number> {
    let refused = 0;
    for (let i = 0; i < changes.length; i += MAX_ENTRIES) {
      const entries = changes.slice(i, i + MAX_ENTRIES).map((c, j) => ({
        Id: String(j),
        ReceiptHandle: c.receiptHandle,
        VisibilityTimeout: c.seconds,
      }));
      const out = await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
      refused += out.Failed?.length ?? 0;
    }
    return refused;
  }
}
