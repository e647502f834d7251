import type { AwsClients } from '../functions/adapters/clients.js';

export type Service = 'dynamodb' | 'sqs' | 's3';

/** One operation's tally: calls made, HTTP attempts (retries included) and what AWS would bill. */
export interface OpTally {
  calls: number;
  attempts: number;
  errors: number;
  /** SQS: billed requests (one per started 64 KiB of payload); other services: = calls. */
  billed: number;
  /** DynamoDB capacity the emulator reported (ReturnConsumedCapacity: TOTAL). */
  readUnits: number;
  writeUnits: number;
}

/** `service:Operation` → tally, e.g. `dynamodb:PutItem`. */
export type Tallies = Record<string, OpTally>;

const DDB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const DDB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const SQS_CHUNK_BYTES = 64 * 1024;

interface Clientish {
  readonly middlewareStack: { add(mw: unknown, opts: { step: 'initialize'; name: string; override?: boolean }): void };
}

/**
 * Counts the AWS requests made through SDK clients, by service and operation, with SDK
 * middleware: nothing in trackdrop's code changes. DynamoDB calls also ask for their consumed
 * capacity, so the cost model uses the read and write units the items really take.
 */
export class RequestCounter {
  private tallies: Tallies = {};

  /** Counts everything sent through these clients (the document client shares `dynamodb`'s stack). */
  attachAll(clients: Pick<AwsClients, 'dynamodb' | 'sqs' | 's3'>): this {
    this.attach(clients.dynamodb, 'dynamodb');
    this.attach(clients.sqs, 'sqs');
    this.attach(clients.s3, 's3');
    return this;
  }

  attach(client: Clientish, service: Service): this {
    const middleware =
      (
        next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
        ctx: { commandName?: string },
      ) =>
      async (args: { input: Record<string, unknown> }) => {
        const name = (ctx.commandName ?? 'Unknown').replace(/Command$/, '');
        // Ranged reads (tags) and whole-object reads (hashing) are told apart.
        const op = service === 's3' && name === 'GetObject' && args.input.Range ? 'GetObject(range)' : name;
        const withCapacity = service === 'dynamodb' && (DDB_READS.has(op) || DDB_WRITES.has(op));
        const sent = withCapacity ? { ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } } : args;
        const t = this.tally(`${service}:${op}`);
        t.calls += 1;
        t.billed += service === 'sqs' ? sqsBilledRequests(op, args.input) : 1;
        try {
          const out = await next(sent);
          t.attempts += attemptsOf(out.output);
          if (withCapacity) addCapacity(t, op, out.output.ConsumedCapacity);
          return out;
        } catch (err) {
          t.errors += 1;
          t.attempts += attemptsOf(err);
          // A failed conditional write still consumes write capacity on DynamoDB (at least 1 WCU).
          if (withCapacity && DDB_WRITES.has(op) && (err as Error).name === 'ConditionalCheckFailedException')
            t.writeUnits += 1;
          throw err;
        }
      };
    client.middlewareStack.add(middleware, { step: 'initialize', name: 'benchCounter', override: true });
    return this;
  }

  snapshot(): Tallies {
    return structuredClone(this.tallies);
  }

  reset(): void {
    this.tallies = {};
  }

  private tally(key: string): OpTally {
    let tally = this.tallies[key];
    if (!tally) {
      tally = { calls: 0, attempts: 0, errors: 0, billed: 0, readUnits: 0, writeUnits: 0 };
      this.tallies[key] = tally;
    }
    return tally;
  }
}

/** Tallies made after `before` was taken. */
export function difference(after: Tallies, before: Tallies): Tallies {
  const out: Tallies = {};
  for (const [key, a] of Object.entries(after)) {
    const b = before[key];
    const d: OpTally = {
      calls: a.calls - (b?.calls ?? 0),
      attempts: a.attempts - (b?.attempts ?? 0),
      errors: a.errors - (b?.errors ?? 0),
      billed: a.billed - (b?.billed ?? 0),
      readUnits: a.readUnits - (b?.readUnits ?? 0),
      writeUnits: a.writeUnits - (b?.writeUnits ?? 0),
    };
    if (d.calls !== 0) out[key] = d;
  }
  return out;
}

function attemptsOf(x: unknown): number {
  const n = (x as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  return typeof n === 'number' && n > 0 ? n : 1;
}

function addCapacity(t: OpTally, op: string, consumed: unknown): void {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  let units = 0;
  for (const c of list) units += Number((c as { CapacityUnits?: number }).CapacityUnits ?? 0);
  // An emulator that reports nothing: the least AWS bills for one item.
  if (list.length === 0) units = 1;
  if (DDB_READS.has(op)) t.readUnits += units;
  else t.writeUnits += units;
}

/** SQS bills each started 64 KiB chunk of a request's payload as one request. */
function sqsBilledRequests(op: string, input: Record<string, unknown>): number {
  let bytes = 0;
  if (op === 'SendMessage')
    bytes = Buffer.byteLength(String(input.MessageBody ?? ''), 'utf8') + attributeBytes(input.MessageAttributes);
  else if (op === 'SendMessageBatch') {
    for (const e of (input.Entries ?? []) as { MessageBody?: string; MessageAttributes?: unknown }[]) {
      bytes += Buffer.byteLength(e.MessageBody ?? '', 'utf8') + attributeBytes(e.MessageAttributes);
    }
  } else return 1;
  return Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES));
}

function attributeBytes(attrs: unknown): number {
  if (!attrs || typeof attrs !== 'object') return 0;
  let n = 0;
  for (const [name, v] of Object.entries(
    attrs as Record<string, { DataType?: string; StringValue?: string; BinaryValue?: Uint8Array }>,
  )) {
    n +=
      Buffer.byteLength(name) +
      Buffer.byteLength(v.DataType ?? '') +
      Buffer.byteLength(v.StringValue ?? '') +
      (v.BinaryValue?.length ?? 0);
  }
  return n;
}
