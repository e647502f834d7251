import { type TableShape, tables } from '../functions/resources.js';
import { type Item, type ItemForm, itemBytes, pick } from './itemSize.js';

/** Read and write request units one call costs on one table. */
export interface Units {
  read: number;
  write: number;
}

/** Table (its key in functions/resources.ts `tables`, or its name when not one of them) → units. */
export type UnitsByTable = Record<string, Units>;

export const DDB_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
export const DDB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

const KB = 1024;
const READ_UNIT_BYTES = 4 * KB;

interface Table {
  readonly key: string;
  readonly shape: TableShape | undefined;
}

/** Tables are created under their shape's name, with a prefix when test suites run side by side. */
function tableOf(name: unknown): Table {
  const text = String(name ?? '');
  for (const [key, shape] of Object.entries(tables) as [string, TableShape][]) {
    if (text === shape.name || text.endsWith(shape.name)) return { key, shape };
  }
  return { key: text, shape: undefined };
}

const writeUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));
const readUnitsOf = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)) * (consistent ? 1 : 0.5);

/** What a write of one item is known by: the item before and after it, and for an update the names it sets. */
export interface ItemWrite {
  readonly key: Item;
  readonly before?: Item | undefined;
  readonly after?: Item | undefined;
  /** An update's attribute names (UpdateExpression, names resolved); absent for a put or delete. */
  readonly updates?: ReadonlySet<string> | undefined;
}

/**
 * Write units of one item write as DynamoDB bills it: the larger of the item before and after,
 * in started KB, and for each global secondary index whose key the item carries before or after
 * the write, the index entry's projected size in started KB (twice when the write moves the
 * entry to another index key: one delete, one put). An update writes an index only when it names
 * one of the index's attributes.
 */
export function itemWriteUnits(shape: TableShape | undefined, w: ItemWrite, form: ItemForm): number {
  const size = (x: Item | undefined) => (x ? itemBytes(x, form) : 0);
  let units = writeUnitsOf(Math.max(size(w.key), size(w.before), size(w.after)));
  for (const index of shape?.indexes ?? []) {
    const keyNames = [index.partitionKey];
    const projected = [shape?.partitionKey ?? '', shape?.sortKey ?? '', ...keyNames, ...index.include];
    const carries = (x: Item | undefined): x is Item => x !== undefined && keyNames.every((k) => x[k] !== undefined);
    const entry = (x: Item) => writeUnitsOf(itemBytes(pick(x, projected), form));
    if (w.updates) {
      if (!projected.some((n) => w.updates?.has(n))) continue;
      const setsKey = keyNames.some((k) => w.updates?.has(k));
      if (carries(w.after)) units += entry(w.after);
      else if (setsKey || carries(w.before)) units += w.before && carries(w.before) ? entry(w.before) : 1;
      continue;
    }
    const b = carries(w.before);
    const a = carries(w.after);
    if (w.before && w.after && b && a) {
      const moved = keyNames.some((k) => JSON.stringify(w.before?.[k]) !== JSON.stringify(w.after?.[k]));
      units += moved ? entry(w.before) + entry(w.after) : Math.max(entry(w.before), entry(w.after));
    } else if (w.before && b) units += entry(w.before);
    else if (w.after && a) units += entry(w.after);
  }
  return units;
}

/** The attribute names an UpdateExpression sets, removes, adds or deletes. */
export function updatedNames(expression: unknown, names: unknown): Set<string> {
  const out = new Set<string>();
  if (typeof expression !== 'string') return out;
  const aliases = (names ?? {}) as Record<string, string>;
  const keywords = new Set(['SET', 'REMOVE', 'ADD', 'DELETE', 'if_not_exists', 'list_append']);
  // Clause keywords are bare words (a reserved word as a name needs a #alias); each comma-
  // separated action starts with the path it writes, whose first element names the attribute.
  const clauses = [...expression.matchAll(/(?:^|[\s,])(?:SET|REMOVE|ADD|DELETE)\s/gi)];
  clauses.forEach((m, i) => {
    const body = expression.slice((m.index ?? 0) + m[0].length, clauses[i + 1]?.index ?? expression.length);
    for (const part of body.split(',')) {
      const target = /^\s*(#?[A-Za-z_]\w*)/.exec(part)?.[1];
      if (!target || keywords.has(target)) continue;
      out.add(target.startsWith('#') ? (aliases[target] ?? target) : target);
    }
  });
  return out;
}

/** The calls' input and output as the counter saw them, and whether the item images in them are ours. */
export interface Call {
  readonly op: string;
  readonly input: Record<string, unknown>;
  readonly output: Record<string, unknown>;
  readonly form: ItemForm;
}

function add(out: UnitsByTable, table: string, units: Partial<Units>): void {
  const t = out[table] ?? { read: 0, write: 0 };
  t.read += units.read ?? 0;
  t.write += units.write ?? 0;
  out[table] = t;
}

const asItem = (x: unknown): Item | undefined => (typeof x === 'object' && x !== null ? (x as Item) : undefined);
const asItems = (x: unknown): Item[] => (Array.isArray(x) ? x.filter((i) => asItem(i)).map((i) => i as Item) : []);

/** The units one successful call costs, table by table, as AWS bills them. */
export function billedUnits(call: Call): UnitsByTable {
  const { op, input, output, form } = call;
  const out: UnitsByTable = {};
  const { key: table, shape } = tableOf(input.TableName);
  const consistent = input.ConsistentRead === true;
  switch (op) {
    case 'PutItem': {
      const after = asItem(input.Item) ?? {};
      add(out, table, { write: itemWriteUnits(shape, { key: after, before: asItem(output.Attributes), after }, form) });
      break;
    }
    case 'DeleteItem': {
      const key = asItem(input.Key) ?? {};
      add(out, table, { write: itemWriteUnits(shape, { key, before: asItem(output.Attributes) }, form) });
      break;
    }
    case 'UpdateItem': {
      const key = asItem(input.Key) ?? {};
      const image = asItem(output.Attributes);
      const returned = String(input.ReturnValues ?? 'NONE');
      const updates = updatedNames(input.UpdateExpression, input.ExpressionAttributeNames);
      const w: ItemWrite =
        returned === 'ALL_NEW'
          ? { key, after: image, updates }
          : returned === 'ALL_OLD'
            ? { key, before: image, updates }
            : { key, updates };
      add(out, table, { write: itemWriteUnits(shape, w, form) });
      break;
    }
    case 'BatchWriteItem': {
      const requested = (input.RequestItems ?? {}) as Record<string, unknown[]>;
      const left = (output.UnprocessedItems ?? {}) as Record<string, unknown[]>;
      for (const [name, requests] of Object.entries(requested)) {
        const t = tableOf(name);
        const unprocessed = new Set((left[name] ?? []).map((r) => JSON.stringify(r)));
        for (const r of requests) {
          if (unprocessed.has(JSON.stringify(r))) continue;
          const req = r as { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } };
          const item = asItem(req.PutRequest?.Item);
          const w: ItemWrite = item ? { key: item, after: item } : { key: asItem(req.DeleteRequest?.Key) ?? {} };
          add(out, t.key, { write: itemWriteUnits(t.shape, w, form) });
        }
      }
      break;
    }
    case 'TransactWriteItems': {
      // A transaction costs two units for each unit its writes would cost on their own.
      for (const entry of asItems(input.TransactItems)) {
        const e = entry as Record<string, Record<string, unknown> | undefined>;
        const action = e.Put ?? e.Update ?? e.Delete ?? e.ConditionCheck ?? {};
        const t = tableOf(action.TableName);
        const item = e.Put ? asItem(action.Item) : undefined;
        const w: ItemWrite = item
          ? { key: item, after: item }
          : e.Update
            ? {
                key: asItem(action.Key) ?? {},
                updates: updatedNames(action.UpdateExpression, action.ExpressionAttributeNames),
              }
            : { key: asItem(action.Key) ?? {} };
        add(out, t.key, { write: 2 * itemWriteUnits(t.shape, w, form) });
      }
      break;
    }
    case 'GetItem': {
      const item = asItem(output.Item);
      add(out, table, { read: readUnitsOf(item ? itemBytes(item, form) : 0, consistent) });
      break;
    }
    case 'BatchGetItem': {
      const requested = (input.RequestItems ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>;
      const responses = (output.Responses ?? {}) as Record<string, unknown[]>;
      const left = (output.UnprocessedKeys ?? {}) as Record<string, { Keys?: unknown[] }>;
      for (const [name, request] of Object.entries(requested)) {
        const strong = request.ConsistentRead === true;
        const found = asItems(responses[name]);
        // Each item is rounded up on its own; a key that finds nothing costs the least read.
        let read = found.reduce((s, item) => s + readUnitsOf(itemBytes(item, form), strong), 0);
        const missing = (request.Keys?.length ?? 0) - (left[name]?.Keys?.length ?? 0) - found.length;
        read += Math.max(0, missing) * readUnitsOf(0, strong);
        add(out, tableOf(name).key, { read });
      }
      break;
    }
    case 'Query':
    case 'Scan': {
      // The items read are summed, then rounded up once; an index is read eventually consistent.
      const bytes = asItems(output.Items).reduce((s, item) => s + itemBytes(item, form), 0);
      add(out, table, { read: readUnitsOf(bytes, consistent && input.IndexName === undefined) });
      break;
    }
    case 'TransactGetItems': {
      const requested = asItems(input.TransactItems);
      const responses = asItems(output.Responses);
      requested.forEach((entry, i) => {
        const get = asItem(entry.Get) ?? {};
        const item = asItem(responses[i]?.Item);
        add(out, tableOf(get.TableName).key, { read: 2 * readUnitsOf(item ? itemBytes(item, form) : 0, true) });
      });
      break;
    }
  }
  return out;
}

/** The capacity the emulator reported, by table (ReturnConsumedCapacity: TOTAL). */
export function reportedUnits(op: string, consumed: unknown): UnitsByTable {
  const out: UnitsByTable = {};
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  for (const c of list) {
    const { TableName, CapacityUnits } = c as { TableName?: string; CapacityUnits?: number };
    const units = Number(CapacityUnits ?? 0);
    add(out, tableOf(TableName).key, DDB_READS.has(op) ? { read: units } : { write: units });
  }
  return out;
}

/** Per table, the emulator's figure where it is at least what AWS would bill, else the bill. */
export function atLeastBilled(billed: UnitsByTable, reported: UnitsByTable): UnitsByTable {
  const out: UnitsByTable = {};
  for (const table of new Set([...Object.keys(billed), ...Object.keys(reported)])) {
    const b = billed[table] ?? { read: 0, write: 0 };
    const r = reported[table] ?? { read: 0, write: 0 };
    out[table] = { read: Math.max(b.read, r.read), write: Math.max(b.write, r.write) };
  }
  return out;
}
