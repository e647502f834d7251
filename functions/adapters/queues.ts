import {
  type BatchResultErrorEntry,
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { batchLeftovers, leftover, RetriesExhausted, retryLeftovers } from '../core/retry.js';

/** SendMessageBatch takes at most ten entries, and at most this many bytes in all (SQS's classic limit). */
const MAX_ENTRIES = 10;
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * A message SQS refused for what it holds (its characters, its size): sending it again gets the
 * same answer, so the caller decides what becomes of it, at once.
 */
export class MessageRefused extends Error {
  override readonly name = 'MessageRefused';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A queue body: JSON with every character outside ASCII written as a `\uXXXX` escape. SQS (and
 * more strictly the emulators) refuse some characters in a body: fauxqs everything outside the
 * Basic Multilingual Plane, SQS U+FFFE and U+FFFF. An escaped body holds none of them, and
 * JSON.parse gives back the same value. Cost: 6 bytes for a character UTF-8 writes in 2 or 3,
 * 12 for one it writes in 4; queue bodies are ids and tags, so at most ~3× a tag's size.
 */
export function queueBody(message: unknown): string {
  return JSON.stringify(message).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Sends JSON messages in SendMessageBatch calls of ten, retrying the entries SQS refused for a
 * passing reason, so a DownloadTrack batch of 100 costs 10 requests rather than 100. An entry
 * refused for its content (sender's fault) is not retried: it fails on its own, the others go.
 */
export class QueueSender<T> {
  private pending: { message: T; done: (err?: unknown) => void }[] = [];

  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
    /** Each message's MessageGroupId, which makes the standard queue a fair one (messageTenant). */
    private readonly tenantOf: (message: T) => string | undefined = () => undefined,
  ) {}

  /**
   * Sends every message. Throws MessageRefused (the first refusal) once the rest are sent when
   * SQS refused some for their content, or another error when some could not be sent at all.
   */
  async send(messages: readonly T[], delaySeconds = 0): Promise<void> {
    const outcomes = await this.sendEach(messages, delaySeconds);
    const failure = outcomes.find((o) => o !== undefined);
    if (failure) throw failure;
  }

  /** Sends every message; answers, for each, undefined once it is on the queue or why it is not. */
  private async sendEach(messages: readonly T[], delaySeconds: number): Promise<(Error | undefined)[]> {
    const outcomes: (Error | undefined)[] = messages.map(() => undefined);
    const bodies = messages.map((m) => queueBody(m));
    for (const batch of batchesOf(bodies)) {
      const entries: SendMessageBatchRequestEntry[] = batch.map((i, j) => {
        const tenant = messages[i] === undefined ? undefined : this.tenantOf(messages[i]);
        return {
          Id: String(j),
          MessageBody: bodies[i],
          ...(tenant ? { MessageGroupId: tenant } : {}),
          ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
        };
      });
      let lastRefusals: BatchResultErrorEntry[] = [];
      let unsent = entries;
      try {
        await retryLeftovers(batchLeftovers, 'SendMessageBatch', entries, async (left) => {
          unsent = left;
          const out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: left }));
          lastRefusals = out.Failed ?? [];
          for (const f of lastRefusals) {
            if (f.SenderFault && f.Id !== undefined) {
              const index = batch[Number(f.Id)];
              if (index !== undefined) outcomes[index] = refusal(f);
            }
          }
          const passing = new Set(lastRefusals.filter((f) => !f.SenderFault).map((f) => f.Id));
          const again = left.filter((e) => passing.has(e.Id));
          return leftover(again);
        });
      } catch (err) {
        if (!(err instanceof RetriesExhausted)) {
          // The call itself failed (after the SDK's retries): what it carried is not on the queue.
          const failure = err instanceof Error ? err : new Error(String(err));
          for (const e of unsent) {
            const index = batch[Number(e.Id)];
            if (index !== undefined && outcomes[index] === undefined) outcomes[index] = failure;
          }
          continue;
        }
        // Still refused for a passing reason at the bound: those entries are not on the queue.
        const codes = lastRefusals.map((f) => f.Code).join(', ');
        for (const f of lastRefusals) {
          const index = f.SenderFault ? undefined : batch[Number(f.Id)];
          if (index !== undefined) outcomes[index] = new Error(`SQS refused a message: ${codes}`, { cause: err });
        }
      }
    }
    return outcomes;
  }

  /**
   * Sends one message together with the others asked for in the same turn of the event loop:
   * records of a batch processed in parallel share SendMessageBatch calls. Resolves once this
   * message is on the queue; rejects for this message alone (MessageRefused for its content).
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
      const outcomes = await this.sendEach(
        batch.map((p) => p.message),
        0,
      );
      batch.forEach((p, i) => {
        p.done(outcomes[i]);
      });
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

/** Indices of `bodies` grouped into SendMessageBatch calls: ten at most, MAX_BATCH_BYTES at most (one larger body alone). */
function batchesOf(bodies: readonly string[]): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  bodies.forEach((body, i) => {
    // Bodies are ASCII (queueBody), so their length is their size.
    if (current.length === MAX_ENTRIES || (current.length > 0 && bytes + body.length > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += body.length;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

function refusal(f: BatchResultErrorEntry): MessageRefused {
  const code = f.Code ?? 'unknown';
  return new MessageRefused(
    code,
    `SQS refused the message for its content: ${code}${f.Message ? ` (${f.Message})` : ''}`,
  );
}
