import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../functions/adapters/clients.js';
import { TracksRepo } from '../../functions/adapters/tracksRepo.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import { isSettled } from './audit.js';

/** Messages on a queue: visible, in flight (or waiting out a backoff) and delayed. */
export async function queueLoad(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const a = out.Attributes ?? {};
  return (
    Number(a.ApproximateNumberOfMessages ?? 0) +
    Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(a.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

export interface SettleOptions {
  readonly stack: LocalStack;
  /** Clients without fault injection. */
  readonly clients: AwsClients;
  /** Each session's cookie and how many tracks it was sent. */
  readonly sessions: readonly { readonly cookie: string; readonly tracks: number }[];
  /** Give up at this time (ms since the epoch). */
  readonly until: number;
  readonly onProgress?: (unsettled: number) => void;
}

/**
 * Waits until every track sent is settled, or nothing can change any more (both queues empty
 * and both pollers idle: what is left sits in a dead-letter queue or is lost), or the deadline.
 * Returns how many tracks are not settled.
 */
export async function waitUntilSettled(o: SettleOptions): Promise<number> {
  const repo = new TracksRepo(o.clients.ddb, o.stack.provisioned.names.tables.downloads, 86_400);
  const total = o.sessions.reduce((n, s) => n + s.tracks, 0);
  let quiet = 0;
  for (;;) {
    let settled = 0;
    for (const s of o.sessions) settled += (await repo.list(s.cookie)).filter(isSettled).length;
    const unsettled = total - settled;
    o.onProgress?.(unsettled);
    if (unsettled === 0 || Date.now() > o.until) return unsettled;
    quiet = (await isQuiet(o.stack, o.clients)) ? quiet + 1 : 0;
    if (quiet >= 3) return unsettled;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Waits (at most `ms`) for both queues to empty and both pollers to go idle, so no late work is missed. */
export async function waitUntilQuiet(stack: LocalStack, clients: AwsClients, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  let quiet = 0;
  while (Date.now() < until) {
    quiet = (await isQuiet(stack, clients)) ? quiet + 1 : 0;
    if (quiet >= 2) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

async function isQuiet(stack: LocalStack, clients: AwsClients): Promise<boolean> {
  let load = 0;
  for (const url of Object.values(stack.provisioned.names.queueUrls)) load += await queueLoad(clients.sqs, url);
  return load === 0 && Object.values(stack.pollers).every((p) => p.idle);
}
