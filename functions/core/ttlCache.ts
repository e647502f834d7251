/** Values kept for a while per key, e.g. store records in a Lambda container. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value, or `load()`'s. A failure or `undefined` (say, not found yet) is not kept. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    const value = load();
    const entry = { value, until: this.now() + this.ttlMs };
    this.entries.set(key, entry);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    value.then((v) => v === undefined && forget(), forget);
    return value;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
