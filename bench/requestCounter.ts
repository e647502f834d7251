import type { AwsClients } from '../functions/adapters/clients.js';
import { atLeastBilled, billedUnits, DDB_READS, DDB_WRITES, reportedUnits, type UnitsByTable } from './billedUnits.js';

export type Service = 'dynamodb' | 'sqs' | 's3';

/** One operation's tally: calls made, HTTP attempts (retries included) and what AWS would bill. */
export interface OpTally {
  calls: number;
  attempts: number;
  errors: number;
  /** SQS: billed requests (one per started 64 KiB of payload); other services: = calls. */
  billed: number;
  /** DynamoDB request units as AWS bills them (bench/billedUnits.ts), all tables. */
  readUnits: number;
  writeUnits: number;
  /** The same units, table by table. */
  unitsByTable: UnitsByTable;
}

/** `service:Operation` → tally, e.g. `dynamodb:PutItem`. */
export type Tallies = Record<string, OpTally>;

const SQS_CHUNK_BYTES = 64 * 1024;

interface Clientish {
  readonly middlewareStack: { add(mw: unknown, opts: { step: 'initialize'; name: string; override?: boolean }): void };
}

/**
 * Counts the AWS requests made through SDK clients, by service and operation, with SDK
 * middleware: nothing in trackdrop's code changes. DynamoDB calls are billed as AWS bills them
 * (bench/billedUnits.ts: item sizes, index entries, transactions), from the items they send and
 * get back; a put or delete also asks for the item it replaces and an update for the item it
 * leaves, kept from the caller when it did not ask. The emulator's consumed capacity counts
 * only where it is higher (it leaves index writes out).
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
        ctx: { commandName?: string; __aws_sdk_context?: { features?: Record<string, unknown> } },
      ) =>
      async (args: { input: Record<string, unknown> }) => {
        const name = (ctx.commandName ?? 'Unknown').replace(/Command$/, '');
        // Ranged reads (tags) and whole-object reads (hashing) are told apart.
        const op = service === 's3' && name === 'GetObject' && args.input.Range ? 'GetObject(range)' : name;
        const withCapacity = service === 'dynamodb' && (DDB_READS.has(op) || DDB_WRITES.has(op));
        const input = withCapacity ? { ...args.input, ReturnConsumedCapacity: 'TOTAL' } : args.input;
        const image = withCapacity ? imageToAsk(op, args.input.ReturnValues) : undefined;
        if (image) input.ReturnValues = image;
        const t = this.tally(`${service}:${op}`);
        t.calls += 1;
        t.billed += service === 'sqs' ? sqsBilledRequests(op, args.input) : 1;
        try {
          const out = await next({ ...args, input });
          t.attempts += attemptsOf(out.output);
          if (withCapacity) {
            // The document client marks its calls; their items are native values, not AttributeValues.
            const form = ctx.__aws_sdk_context?.features?.DDB_MAPPER ? 'native' : 'wire';
            const billed = billedUnits({ op, input, output: out.output, form });
            addUnits(t, atLeastBilled(billed, reportedUnits(op, out.output.ConsumedCapacity)));
            if (image) delete out.output.Attributes;
          }
          return out;
        } catch (err) {
          t.errors += 1;
          t.attempts += attemptsOf(err);
          // A failed conditional write still consumes write capacity on DynamoDB (at least 1 WCU).
          if (withCapacity && DDB_WRITES.has(op) && (err as Error).name === 'ConditionalCheckFailedException')
            addUnits(t, reportedUnits(op, { TableName: input.TableName, CapacityUnits: 1 }));
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
      tally = { calls: 0, attempts: 0, errors: 0, billed: 0, readUnits: 0, writeUnits: 0, unitsByTable: {} };
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
      unitsByTable: {},
    };
    for (const [table, u] of Object.entries(a.unitsByTable)) {
      const was = b?.unitsByTable[table];
      const units = { read: u.read - (was?.read ?? 0), write: u.write - (was?.write ?? 0) };
      if (units.read !== 0 || units.write !== 0) d.unitsByTable[table] = units;
    }
    if (d.calls !== 0) out[key] = d;
  }
  return out;
}

function attemptsOf(x: unknown): number {
  const n = (x as { $metadata?: { attempts?: number } } | undefined)?.$metadata?.attempts;
  return typeof n === 'number' && n > 0 ? n : 1;
}

/** The item image a write needs for its bill, when the caller did not ask for one itself. */
function imageToAsk(op: string, asked: unknown): 'ALL_OLD' | 'ALL_NEW' | undefined {
  if (asked !== undefined && asked !== 'NONE') return undefined;
  if (op === 'PutItem' || op === 'DeleteItem') return 'ALL_OLD';
  if (op === 'UpdateItem') return 'ALL_NEW';
  return undefined;
}

function addUnits(t: OpTally, units: UnitsByTable): void {
  for (const [table, u] of Object.entries(units)) {
    const sum = t.unitsByTable[table] ?? { read: 0, write: 0 };
    sum.read += u.read;
    sum.write += u.write;
    t.unitsByTable[table] = sum;
    t.readUnits += u.read;
    t.writeUnits += u.write;
  }
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
