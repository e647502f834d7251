/** Plain-text output for the demo and the CLI: tables, a tree and a progress bar. */
export function table<T extends object>(objects: readonly T[], columns?: readonly string[]): string {
  if (objects.length === 0) return '(none)';
  const rows = objects as readonly Record<string, unknown>[];
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join(' ') : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line([...cols]),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join('\n');
}

/** Object keys as a folder tree, e.g. the user's Music folder. */
export function tree(keys: readonly string[], root: string): string {
  const lines: string[] = [root];
  const sorted = [...keys].map((k) => (k.startsWith(root) ? k.slice(root.length) : k)).sort();
  let previous: string[] = [];
  for (const k of sorted) {
    const parts = k.split('/');
    parts.forEach((p, depth) => {
      if (
        previous[depth] === p &&
        depth < parts.length - 1 &&
        previous.slice(0, depth).join('/') === parts.slice(0, depth).join('/')
      )
        return;
      lines.push(`${'  '.repeat(depth + 1)}${depth === parts.length - 1 ? '' : '▸ '}${p}`);
    });
    previous = parts;
  }
  return lines.join('\n');
}

export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
