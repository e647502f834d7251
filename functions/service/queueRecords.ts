import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { describeIssues } from '../core/schemas.js';

/** Thrown for a record whose body is not a message of its queue: it goes back, and past maxReceiveCount to the DLQ. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export type QueueName = 'downloads' | 'completions' | 'erasures';

/** Did a record come from this queue? Its source ARN ends with the queue's name, as its URL does. */
export function isFromQueue(queueUrl: string, eventSourceArn: string | undefined): boolean {
  const name = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  return name !== '' && eventSourceArn !== undefined && eventSourceArn.endsWith(`:${name}`);
}

/**
 * Parses each record's body with its queue's schema. A poison record (not JSON, or not the
 * message its queue carries) is logged once, here, with why, which receive this is and the
 * start of its body, and left out: the consumer then reports it failed, so it returns to the
 * queue and ends in the DLQ, where `trackdrop dlq` shows it.
 */
export function parseRecords<S extends z.ZodMiniType>(
  logger: Logger,
  queue: QueueName,
  records: readonly SQSRecord[],
  schema: S,
): Map<string, z.output<S>> {
  const parsed = new Map<string, z.output<S>>();
  for (const r of records) {
    const reason = parseBody(r.body, schema, (message) => parsed.set(r.messageId, message));
    if (reason === undefined) continue;
    logger.error('poison message', {
      queue,
      messageId: r.messageId,
      receiveCount: Number(r.attributes.ApproximateReceiveCount ?? '1'),
      reason,
      body: r.body.slice(0, 512),
    });
  }
  return parsed;
}

/** The error a consumer throws for a record parseRecords left out. */
export function poisonError(queue: QueueName): PoisonMessageError {
  return new PoisonMessageError(`malformed ${queue} message (logged as a poison message)`);
}

function parseBody<S extends z.ZodMiniType>(
  body: string,
  schema: S,
  ok: (message: z.output<S>) => void,
): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  const out = schema.safeParse(json);
  if (!out.success) return describeIssues(out.error);
  ok(out.data);
  return undefined;
}
