/**
 * An item's size as DynamoDB bills it (developer guide, "Item sizes and formats"): each
 * attribute's name in UTF-8 bytes plus its value; strings in UTF-8 bytes, numbers one byte per
 * two significant digits plus one, binary in bytes, null and booleans one byte, lists and maps
 * three bytes plus one per element, sets the sum of their elements.
 *
 * Items come in two forms: the wire's AttributeValues (`{ S: 'x' }`) from the plain client, and
 * native values from the document client. Both are sized here, by the same rules.
 */
export type ItemForm = 'wire' | 'native';

export type Item = Record<string, unknown>;

export function itemBytes(item: Item, form: ItemForm): number {
  let n = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    n += Buffer.byteLength(name, 'utf8') + (form === 'wire' ? wireBytes(value) : nativeBytes(value));
  }
  return n;
}

/** The item cut down to `names` (an index entry carries the keys and its projected attributes). */
export function pick(item: Item, names: readonly string[]): Item {
  const out: Item = {};
  for (const name of names) if (item[name] !== undefined) out[name] = item[name];
  return out;
}

function numberBytes(text: string): number {
  const digits = text
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function containerBytes(elements: number, contents: number): number {
  return 3 + elements + contents;
}

function wireBytes(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const v = value as Record<string, unknown>;
  if (typeof v.S === 'string') return Buffer.byteLength(v.S, 'utf8');
  if (typeof v.N === 'string') return numberBytes(v.N);
  if (v.B !== undefined) return binaryBytes(v.B);
  if (v.NULL !== undefined || v.BOOL !== undefined) return 1;
  if (Array.isArray(v.SS)) return v.SS.reduce((s: number, x: unknown) => s + Buffer.byteLength(String(x), 'utf8'), 0);
  if (Array.isArray(v.NS)) return v.NS.reduce((s: number, x: unknown) => s + numberBytes(String(x)), 0);
  if (Array.isArray(v.BS)) return v.BS.reduce((s: number, x: unknown) => s + binaryBytes(x), 0);
  if (Array.isArray(v.L))
    return containerBytes(
      v.L.length,
      v.L.reduce((s: number, x: unknown) => s + wireBytes(x), 0),
    );
  if (typeof v.M === 'object' && v.M !== null) {
    const m = v.M as Item;
    return containerBytes(Object.keys(m).length, itemBytes(m, 'wire'));
  }
  return 0;
}

function nativeBytes(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(String(value));
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return binaryBytes(value);
  if (value instanceof Set) return [...value].reduce((s: number, x: unknown) => s + nativeBytes(x), 0);
  if (Array.isArray(value))
    return containerBytes(
      value.length,
      value.reduce((s: number, x) => s + nativeBytes(x), 0),
    );
  if (typeof value === 'object') {
    // The document client's NumberValue keeps a number's text.
    const text = (value as { value?: unknown }).value;
    if (value.constructor?.name === 'NumberValue' && typeof text === 'string') return numberBytes(text);
    const m = value as Item;
    return containerBytes(Object.keys(m).length, itemBytes(m, 'native'));
  }
  return 0;
}

function binaryBytes(b: unknown): number {
  if (b instanceof Uint8Array || b instanceof ArrayBuffer) return b.byteLength;
  if (typeof b === 'string') return Buffer.from(b, 'base64').length;
  return 0;
}
