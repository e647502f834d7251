import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { redriveDlq } from '../functions/service/admin/redriveDlq.js';
import { table } from '../tooling/render.js';
import { CliError, type Command, jsonHelp, jsonOption, printJson, UsageError } from './command.js';
import type { QueueName, Target } from './target.js';

/** The queues by the names the CLI takes. */
const queueNames: Readonly<Record<string, QueueName>> = {
  downloads: 'downloads',
  completions: 'completions',
  'slow-callbacks': 'slowCallbacks',
  erasures: 'erasures',
};

function queueArg(args: readonly string[]): QueueName {
  const q = args[0] ?? '';
  const queue = Object.hasOwn(queueNames, q) ? queueNames[q] : undefined;
  if (!queue) throw new UsageError(`unknown queue '${q}': downloads, completions, slow-callbacks or erasures`);
  return queue;
}

const queueHelp =
  "  <queue>                    downloads (worker messages), completions (callbacks), slow-callbacks (callbacks of slow stores)\n                             or erasures (steps of users' erasures)";

export interface DlqMessage {
  readonly messageId: string;
  readonly receiveCount: number;
  readonly sentAt: string | undefined;
  readonly summary: string;
  readonly body: string;
}

const list: Command = {
  name: 'dlq list',
  summary: "a dead-letter queue's messages (left in place)",
  description:
    'Lists the messages in a dead-letter queue (downloads, completions, slow-callbacks or erasures) without taking them out.\nThe receive count includes this look (SQS counts every receive).',
  args: ['<queue>'],
  synopsis: '<downloads|completions|slow-callbacks|erasures> [--json]',
  optionHelp: [queueHelp, jsonHelp],
  options: { ...jsonOption },
  check: (_v, args) => void queueArg(args),
  async run({ target, values, args, out }) {
    const queue = queueArg(args);
    const messages = await peek(target, target.dlqUrls[queue]);
    if (values.json === true) {
      printJson(out, messages);
      return 0;
    }
    out(`${messages.length} message(s) in the ${queue} dead-letter queue of ${target.label}`);
    if (messages.length > 0) out(table(messages, ['messageId', 'receiveCount', 'sentAt', 'summary']));
    return 0;
  },
};

const redrive: Command = {
  name: 'dlq redrive',
  summary: "moves a dead-letter queue's messages back to their queue",
  description:
    'Moves every message of a dead-letter queue (downloads, completions, slow-callbacks or erasures) back to its main queue,\nwhere the worker or the completion function tries it again (both are idempotent; a redriven erasure step resumes its erasure).',
  args: ['<queue>'],
  synopsis: '<downloads|completions|slow-callbacks|erasures>',
  optionHelp: [queueHelp],
  options: {},
  check: (_v, args) => void queueArg(args),
  async run({ target, args, out }) {
    const queue = queueArg(args);
    const { moved, failed } = await redriveDlq(
      target.clients.sqs,
      target.dlqUrls[queue],
      target.names.queueUrls[queue],
      { waitSeconds: target.receiveWaitSeconds },
    );
    out(`moved ${moved} message(s) from the ${queue} dead-letter queue back to the ${queue} queue`);
    if (failed.length > 0) {
      throw new CliError(
        `${failed.length} message(s) could not be moved and stay in the dead-letter queue: ${failed.join('; ')}`,
      );
    }
    return 0;
  },
};

const systemAttributes = ['ApproximateReceiveCount', 'SentTimestamp'] as const;

/**
 * Reads the queue without taking anything: every receive uses a zero visibility timeout, so the
 * messages stay visible. SQS answers from a sample of its servers, so several rounds are read
 * and deduplicated until the approximate count is reached or rounds stop finding new ones.
 */
async function peek(target: Target, queueUrl: string): Promise<DlqMessage[]> {
  const seen = new Map<string, DlqMessage>();
  const expected = await approximateCount(target, queueUrl);
  let idle = 0;
  for (let round = 0; round < 50 && idle < 3; round++) {
    const res = await target.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: target.receiveWaitSeconds,
        MessageSystemAttributeNames: [...systemAttributes],
      }),
    );
    const before = seen.size;
    for (const m of res.Messages ?? []) {
      const id = m.MessageId;
      if (id && !seen.has(id)) seen.set(id, describe(id, m));
    }
    idle = seen.size === before ? idle + 1 : 0;
    if (seen.size >= expected && idle > 0) break;
  }
  return [...seen.values()].sort((a, b) => (a.sentAt ?? '').localeCompare(b.sentAt ?? ''));
}

async function approximateCount(target: Target, queueUrl: string): Promise<number> {
  const res = await target.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(res.Attributes?.ApproximateNumberOfMessages ?? 0);
}

function describe(messageId: string, m: Message): DlqMessage {
  const sent = Number(m.Attributes?.SentTimestamp);
  const body = m.Body ?? '';
  return {
    messageId,
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : undefined,
    summary: summarize(body),
    body,
  };
}

/** The fields that identify a downloads or completions message; the raw body, cut short, otherwise. */
export function summarize(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const o = parsed as Record<string, unknown>;
    const fields = ['kind', 'storeId', 'userId', 'cookie', 'serviceTrackId']
      .filter((k) => o[k] !== undefined)
      .map((k) => `${k}=${String(o[k])}`);
    if (fields.length > 0) return fields.join(' ');
  }
  const flat = body.replace(/\s+/g, ' ');
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

export const dlqCommands: readonly Command[] = [list, redrive];
