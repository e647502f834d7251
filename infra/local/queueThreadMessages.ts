import { z } from 'zod';

/** What a queue function's thread is started with: everything it builds itself from, as Lambda and its event source would. */
export const queueThreadData = z.object({
  kind: z.enum(['worker', 'completion']),
  env: z.record(z.string(), z.string()),
  functionName: z.string(),
  fn: z.object({ memoryMb: z.number(), timeoutSeconds: z.number() }),
  /** The emulators the event source long-polls (its own SQS client, as Lambda's event source is not the function's). */
  endpoints: z.object({ dynamodb: z.string(), sqs: z.string(), s3: z.string() }),
  /** The event source's plan (eventSourcePlan.ts). */
  source: z.object({
    id: z.string(),
    functionId: z.string(),
    queueUrl: z.string(),
    batchSize: z.number(),
    batchingWindowSeconds: z.number(),
    maxConcurrency: z.number(),
    reportBatchItemFailures: z.boolean(),
  }),
  leaseSeconds: z.number().optional(),
  fair: z.boolean().optional(),
});

/** The stack asks the thread's event source to start or to stop (and wait for the invocations in flight). */
export const toQueueThread = z.object({ kind: z.enum(['start', 'stop']), id: z.number() });

const stats = z.object({ invocations: z.number(), records: z.number(), failures: z.number() });

export const fromQueueThread = z.discriminatedUnion('kind', [
  /** A start or stop is done. */
  z.object({ kind: z.literal('done'), id: z.number(), error: z.string().optional() }),
  /** Invocations in flight (or the backlog's emptiness) changed; the event source's counts so far. */
  z.object({ kind: z.literal('state'), inFlight: z.number(), waiting: z.number(), stats }),
]);

export type QueueThreadData = z.infer<typeof queueThreadData>;
export type ToQueueThread = z.infer<typeof toQueueThread>;
export type FromQueueThread = z.infer<typeof fromQueueThread>;
