/** Calls `fn` once per key for the life of the returned function (e.g. one batch's store lookups). */
export function memoize<K, V>(fn: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const cache = new Map<K, Promise<V>>();
  return (key) => {
    let hit = cache.get(key);
    if (!hit) {
      hit = fn(key);
      cache.set(key, hit);
    }
    return hit;
  };
}
