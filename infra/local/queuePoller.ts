import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueConsumerSettings } from '../../functions/settings.js';
import { toSqsRecord } from './sqsRecord.js';

/** Resolves to the batch's failures, or to nothing (undefined) when the whole batch succeeded. */
export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

/** A received message: SQS gives each one a receipt handle. */
type Received = Message & { readonly ReceiptHandle: string };

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly consumer: QueueConsumerSettings;
  readonly handler: SqsHandler;
  readonly region?: string;
  /** Long-poll wait per receive; short so a stop is quick. */
  readonly waitTimeSeconds?: number;
  readonly onError?: (err: unknown) => void;
  /** Told of each invocation that failed as a whole: its records all return after their visibility timeout. */
  readonly onBatchFailed?: (records: number, err: unknown) => void;
  /**
   * Receive with this visibility timeout instead of the queue's own (6× the function timeout):
   * a sandbox killed before the handler set its messages' visibility gets them back this soon.
   * Never extended here; the handlers set their visibility themselves (eventSourceLease.ts).
   */
  readonly leaseSeconds?: number;
  /**
   * The event source's `FunctionResponseTypes: [ReportBatchItemFailures]` (default on): only the
   * reported records come back. Off, a returned value is ignored and a batch that did not throw
   * is deleted whole, as Lambda does.
   */
  readonly reportBatchItemFailures?: boolean;
  /** Told the invocations in flight each time that number changes (after a batch's deletes, when one ends). */
  readonly onInFlight?: (inFlight: number) => void;
}

/** What the stack holds of an event source: the in-process poller, or one in a function's own thread. */
export interface EventSource {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True when nothing is being handled right now. */
  readonly idle: boolean;
  readonly stats: { readonly invocations: number; readonly records: number; readonly failures: number };
}

/**
 * Stands in for Lambda's SQS event source on a laptop: long-polls, fills a batch up to
 * `batchSize` within the batching window, runs at most `maxConcurrency` invocations, deletes
 * what succeeded and leaves the `batchItemFailures` (or the whole batch, when the handler
 * throws) to come back after their visibility timeout and, past maxReceiveCount, to the DLQ.
 */
export class QueuePoller implements EventSource {
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private queueArn = '';
  /** Invocations and records handled, for the sandbox's log and the benchmark. */
  readonly stats = { invocations: 0, records: 0, failures: 0 };

  constructor(private readonly opts: PollerOptions) {}

  async start(): Promise<void> {
    this.starting = (async () => {
      const attrs = await this.opts.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: this.opts.queueUrl, AttributeNames: ['QueueArn'] }),
      );
      this.queueArn = attrs.Attributes?.QueueArn ?? '';
      this.running = true;
      this.loop = this.run();
    })();
    await this.starting;
  }

  /** Stops receiving (after a start under way), then waits for the invocations in flight to finish. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }

  /** True when nothing is being handled right now. */
  get idle(): boolean {
    return this.inFlight.size === 0;
  }

  private async run(): Promise<void> {
    const { consumer } = this.opts;
    while (this.running) {
      if (this.inFlight.size >= consumer.maxConcurrency) {
        await Promise.race(this.inFlight);
        continue;
      }
      let batch: Received[];
      try {
        batch = await this.receiveBatch();
      } catch (err) {
        this.opts.onError?.(err);
        await sleep(500);
        continue;
      }
      if (batch.length === 0) continue;
      const p: Promise<void> = this.invoke(batch).finally(() => {
        this.inFlight.delete(p);
        this.opts.onInFlight?.(this.inFlight.size);
      });
      this.inFlight.add(p);
      this.opts.onInFlight?.(this.inFlight.size);
    }
  }

  private async receiveBatch(): Promise<Received[]> {
    const { consumer, sqs, queueUrl } = this.opts;
    const batch: Received[] = [];
    const windowEnds = Date.now() + consumer.batchingWindowSeconds * 1000;
    while (this.running && batch.length < consumer.batchSize) {
      const firstWait =
        batch.length === 0
          ? (this.opts.waitTimeSeconds ?? 1)
          : Math.max(0, Math.ceil((windowEnds - Date.now()) / 1000));
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(10, consumer.batchSize - batch.length),
          WaitTimeSeconds: Math.min(20, firstWait),
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
          ...(this.opts.leaseSeconds ? { VisibilityTimeout: this.opts.leaseSeconds } : {}),
        }),
      );
      for (const m of out.Messages ?? []) {
        if (m.ReceiptHandle === undefined) throw new Error(`SQS sent message ${m.MessageId} without a receipt handle`);
        batch.push({ ...m, ReceiptHandle: m.ReceiptHandle });
      }
      if (batch.length === 0) return batch;
      if (Date.now() >= windowEnds || (out.Messages ?? []).length === 0) break;
    }
    return batch;
  }

  private async invoke(batch: Received[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((m) => toSqsRecord(m, this.queueArn, this.opts.region)) };
    this.stats.invocations += 1;
    this.stats.records += batch.length;
    let failed: Set<string>;
    try {
      const res = await this.opts.handler(event);
      failed =
        this.opts.reportBatchItemFailures === false
          ? new Set()
          : new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (err) {
      this.opts.onError?.(err);
      this.opts.onBatchFailed?.(batch.length, err);
      failed = new Set(batch.map((m) => m.MessageId ?? ''));
    }
    this.stats.failures += failed.size;
    const done = batch.filter((m) => !failed.has(m.MessageId ?? ''));
    for (let i = 0; i < done.length; i += 10) {
      const entries = done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle }));
      await this.opts.sqs
        .send(new DeleteMessageBatchCommand({ QueueUrl: this.opts.queueUrl, Entries: entries }))
        .catch((err) => this.opts.onError?.(err));
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
