import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mapLimit } from '../../functions/core/mapLimit.js';
import type { QueueConsumerSettings } from '../../functions/settings.js';
import { FairBacklog, type FairQueueRules, type Held, sqsFairQueueRules } from './fairQueue.js';
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
  /** Told the invocations in flight each time that number changes, and when the backlog fills or empties. */
  readonly onInFlight?: (inFlight: number, waiting: number) => void;
  /** Each message's tenant on the fair queue: by default its MessageGroupId. */
  readonly tenantOf?: (message: Message) => string | undefined;
  /**
   * The fair queue's rules (fairQueue.ts), or false for a plain standard queue: messages handed
   * out in the order they came (the benchmark's "without fairness").
   */
  readonly fairness?: FairQueueRules | false;
  /**
   * Messages read ahead of the invocations, for the fair queue to choose from: a quiet tenant's
   * message behind a noisy one's backlog is seen only once the backlog is read.
   */
  readonly readAhead?: number;
}

/** Rules under which no tenant is ever noisy: first come, first served. */
const noFairness: FairQueueRules = {
  concurrencyShare: Number.POSITIVE_INFINITY,
  minInFlight: Number.POSITIVE_INFINITY,
  timeShare: Number.POSITIVE_INFINITY,
  timeWindowMs: 1,
  quietAfterMs: 0,
};

/** The default read-ahead: beyond the 50,000-track session of the scale run. */
export const DEFAULT_READ_AHEAD = 60_000;

/** What the stack holds of an event source: the in-process poller, or one in a function's own thread. */
export interface EventSource {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True when nothing is being handled right now, and nothing read waits to be. */
  readonly idle: boolean;
  readonly stats: { readonly invocations: number; readonly records: number; readonly failures: number };
}

/** A message read into the backlog, and until when its lease holds (a receive again gives it a new handle). */
interface Leased {
  m: Received;
  leasedUntil: number;
}

/**
 * How long a message deep in the backlog is held at a time. Renewing 20,000 waiting messages
 * to a 20 s lease every few seconds does not keep up on a busy laptop, and a lease that lapses
 * is a receive again, which counts toward the DLQ: so in a deep backlog (DEEP_BACKLOG) what
 * waits is held five minutes at a time, and set to the short lease as it is handed out.
 */
const HOLD_MS = 5 * 60_000;
/**
 * Below this many waiting messages the backlog keeps the short lease: renewing them is at most
 * a hundred calls a renewal, and a sandbox that dies gets them back within its lease instead of
 * five minutes later.
 */
const DEEP_BACKLOG = 1_000;
/** ReceiveMessage calls in flight while there is room in the backlog. */
const RECEIVES_IN_FLIGHT = 4;
/** ChangeMessageVisibilityBatch calls in flight during a renewal. */
const RENEWALS_IN_FLIGHT = 4;

/**
 * Stands in for Lambda's SQS event source on a laptop, and for SQS's fair queue in front of it:
 * reads the queue ahead into a backlog (fairQueue.ts), hands batches of up to `batchSize` to at
 * most `maxConcurrency` invocations (a batch goes once it is full, the queue has nothing more,
 * or the batching window has passed), deletes what succeeded and leaves the `batchItemFailures`
 * (or the whole batch, when the handler throws) to come back after their visibility timeout
 * and, past maxReceiveCount, to the DLQ. What waits in the backlog keeps its lease renewed here;
 * what is handed out is the function's to hold (eventSourceLease.ts).
 */
export class QueuePoller implements EventSource {
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private filling: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private renewal: NodeJS.Timeout | undefined;
  private renewing = false;
  private queueArn = '';
  private leaseMs = 30_000;
  /** The waiting messages by id: one received again (its lease lapsed) replaces its entry's handle. */
  private readonly waitingById = new Map<string, Leased>();
  /** Receives in a row that found nothing: once each of the receives in flight has, the queue is dry and a batch need not wait for its window to fill. */
  private emptyReceives = 0;
  private readonly backlog: FairBacklog<Leased>;
  private readonly readAhead: number;
  private wake: (() => void) | undefined;
  /** Invocations and records handled, for the sandbox's log and the benchmark. */
  readonly stats = { invocations: 0, records: 0, failures: 0 };

  constructor(private readonly opts: PollerOptions) {
    this.backlog = new FairBacklog(opts.fairness === false ? noFairness : (opts.fairness ?? sqsFairQueueRules));
    this.readAhead = Math.max(opts.readAhead ?? DEFAULT_READ_AHEAD, opts.consumer.batchSize);
  }

  async start(): Promise<void> {
    this.starting = (async () => {
      const attrs = await this.opts.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.opts.queueUrl,
          AttributeNames: ['QueueArn', 'VisibilityTimeout'],
        }),
      );
      this.queueArn = attrs.Attributes?.QueueArn ?? '';
      this.leaseMs = (this.opts.leaseSeconds ?? Number(attrs.Attributes?.VisibilityTimeout ?? 30)) * 1000;
      this.running = true;
      // Several receives at once, as Lambda's event source polls with several pollers: one
      // receive of ten at a time falls behind a store submitting 1,000 tracks/s, and a quiet
      // store's message behind the unread part waits for the reading, not for its turn.
      this.filling = Promise.all(Array.from({ length: RECEIVES_IN_FLIGHT }, () => this.fill())).then(() => undefined);
      this.loop = this.run();
      this.renewal = setInterval(() => void this.renew(), Math.max(1000, this.leaseMs / 4));
      this.renewal.unref();
    })();
    await this.starting;
  }

  /**
   * Stops reading and handing out (after a start under way), waits for the invocations in
   * flight to finish, and gives back what still waited, visible again at once.
   */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    this.running = false;
    clearInterval(this.renewal);
    this.notify();
    await this.filling;
    await this.loop;
    await Promise.all(this.inFlight);
    const left = this.backlog.remove(() => true);
    this.waitingById.clear();
    this.opts.onInFlight?.(this.inFlight.size, 0);
    await this.changeVisibility(
      left.map((h) => h.message),
      0,
    );
  }

  /** True when nothing is being handled right now, and nothing read waits to be. */
  get idle(): boolean {
    return this.inFlight.size === 0 && this.backlog.waiting === 0;
  }

  /** Wakes the loops: a message came, a slot or room in the backlog freed, or the source stops. */
  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      const previous = this.wake;
      this.wake = () => {
        clearTimeout(timer);
        previous?.();
        resolve();
      };
    });
  }

  /** Reads the queue into the backlog while there is room. */
  private async fill(): Promise<void> {
    const { sqs, queueUrl } = this.opts;
    while (this.running) {
      if (this.backlog.waiting >= this.readAhead) {
        await this.nap(500);
        continue;
      }
      let messages: Message[];
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: Math.min(20, this.opts.waitTimeSeconds ?? 1),
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
            VisibilityTimeout: Math.round(this.waitingHoldMs() / 1000),
          }),
        );
        messages = out.Messages ?? [];
      } catch (err) {
        this.opts.onError?.(err);
        await this.nap(500);
        continue;
      }
      this.emptyReceives = messages.length === 0 ? this.emptyReceives + 1 : 0;
      const now = Date.now();
      const wasEmpty = this.backlog.waiting === 0;
      for (const m of messages) {
        if (m.ReceiptHandle === undefined) {
          this.opts.onError?.(new Error(`SQS sent message ${m.MessageId} without a receipt handle`));
          continue;
        }
        const received: Received = { ...m, ReceiptHandle: m.ReceiptHandle };
        const leasedUntil = now + this.waitingHoldMs();
        const known = m.MessageId === undefined ? undefined : this.waitingById.get(m.MessageId);
        if (known) {
          known.m = received;
          known.leasedUntil = leasedUntil;
          continue;
        }
        const entry: Leased = { m: received, leasedUntil };
        if (m.MessageId !== undefined) this.waitingById.set(m.MessageId, entry);
        const tenant = (this.opts.tenantOf ?? ((x: Message) => x.Attributes?.MessageGroupId))(m);
        this.backlog.add(entry, tenant, now);
      }
      if (wasEmpty && this.backlog.waiting > 0) this.opts.onInFlight?.(this.inFlight.size, this.backlog.waiting);
      this.notify();
      // Nothing in the queue, nothing waiting: the long poll above is the wait.
    }
  }

  private async run(): Promise<void> {
    const { consumer } = this.opts;
    let since: number | undefined;
    while (this.running) {
      if (this.inFlight.size >= consumer.maxConcurrency) {
        await Promise.race([...this.inFlight, this.nap(1000)]);
        continue;
      }
      const waiting = this.backlog.waiting;
      if (waiting === 0) {
        since = undefined;
        await this.nap(1000);
        continue;
      }
      since ??= Date.now();
      const windowLeft = since + consumer.batchingWindowSeconds * 1000 - Date.now();
      const dry = this.emptyReceives >= RECEIVES_IN_FLIGHT;
      if (waiting < consumer.batchSize && !dry && windowLeft > 0) {
        await this.nap(Math.min(windowLeft, 1000));
        continue;
      }
      since = undefined;
      const batch = this.backlog.take(consumer.batchSize, Date.now());
      if (batch.length === 0) continue;
      for (const h of batch) if (h.message.m.MessageId !== undefined) this.waitingById.delete(h.message.m.MessageId);
      const p: Promise<void> = this.invoke(batch).finally(() => {
        this.inFlight.delete(p);
        this.opts.onInFlight?.(this.inFlight.size, this.backlog.waiting);
        this.notify();
      });
      this.inFlight.add(p);
      this.opts.onInFlight?.(this.inFlight.size, this.backlog.waiting);
    }
  }

  /** Renews the lease of what waits in the backlog before it runs out; a message whose lease was lost is let go. */
  private async renew(): Promise<void> {
    if (this.renewing || !this.running) return;
    this.renewing = true;
    try {
      const now = Date.now();
      const due = [...this.backlog.held()].filter((h) => h.message.leasedUntil - now < this.leaseMs / 2);
      const lost = await this.changeVisibility(
        due.map((h) => h.message),
        this.waitingHoldMs() / 1000,
      );
      if (lost.size > 0) {
        const removed = this.backlog.remove((h) => lost.has(h.message));
        for (const h of removed)
          if (h.message.m.MessageId !== undefined) this.waitingById.delete(h.message.m.MessageId);
      }
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.renewing = false;
    }
  }

  /** What a waiting message is renewed to: five minutes, or the lease when that is longer. */
  private holdMs(): number {
    return Math.max(this.leaseMs, HOLD_MS);
  }

  /** What a waiting message is held for: the lease, or the hold once the backlog is deep. */
  private waitingHoldMs(): number {
    return this.backlog.waiting > DEEP_BACKLOG ? this.holdMs() : this.leaseMs;
  }

  /**
   * Sets the visibility of these messages, ten to a call, a few calls at once; answers those SQS
   * would not change (their lease lapsed). A call that fails leaves its ten for the next renewal.
   */
  private async changeVisibility(messages: readonly Leased[], seconds: number): Promise<Set<Leased>> {
    const lost = new Set<Leased>();
    const chunks: Leased[][] = [];
    for (let i = 0; i < messages.length; i += 10) chunks.push(messages.slice(i, i + 10));
    await mapLimit(chunks, RENEWALS_IN_FLIGHT, async (chunk) => {
      let failed: Set<string | undefined>;
      try {
        const out = await this.opts.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.opts.queueUrl,
            Entries: chunk.map((l, j) => ({
              Id: String(j),
              ReceiptHandle: l.m.ReceiptHandle,
              VisibilityTimeout: seconds,
            })),
          }),
        );
        failed = new Set((out.Failed ?? []).map((f) => f.Id));
      } catch (err) {
        this.opts.onError?.(err);
        return;
      }
      const until = Date.now() + seconds * 1000;
      chunk.forEach((l, j) => {
        if (failed.has(String(j))) lost.add(l);
        else l.leasedUntil = until;
      });
    });
    return lost;
  }

  private async invoke(held: Held<Leased>[]): Promise<void> {
    // Each message is handed out with the lease, as a fresh receive would give it: one that
    // waited gets it back, one held longer is cut to it (a killed invocation's come back that soon).
    const now = Date.now();
    const stale = held.filter((h) => {
      const left = h.message.leasedUntil - now;
      return left < 0.9 * this.leaseMs || left > 2 * this.leaseMs;
    });
    const lost = await this.changeVisibility(
      stale.map((h) => h.message),
      this.leaseMs / 1000,
    );
    const batch = held.filter((h) => !lost.has(h.message)).map((h) => h.message.m);
    try {
      if (batch.length > 0) await this.handle(batch);
    } finally {
      this.backlog.finish(held, Date.now());
    }
  }

  private async handle(batch: Received[]): Promise<void> {
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
