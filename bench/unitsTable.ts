/**
 * The DynamoDB units per track, as one table written into docs/scale.md from a benchmark result:
 * `npm run bench` writes it after a full run, `npm run bench:units -- <result.json>` from a given
 * run, and test/bench/unitsTable.test.ts checks that the committed table is the one its named
 * result gives and that its totals are the cost model's inputs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { prices } from './costModel.js';

export const root = join(import.meta.dirname, '..');
export const unitsDoc = join(root, 'docs', 'scale.md');

const units = z.object({ read: z.number(), write: z.number() });
const path = z.object({ code: z.object({ billing: z.object({ dynamodbUnits: z.record(z.string(), units) }) }) });
const inputs = z.object({ inputs: z.object({ dynamodbReadUnits: z.number(), dynamodbWriteUnits: z.number() }) });

/** The parts of a result file (bench/run.ts) the table is made from. */
export const unitsResult = z.object({
  startedAt: z.string(),
  code: z.object({ commit: z.string() }),
  sections: z.object({
    requests: z.object({ s3: path, https: path }),
    cost: z.object({ s3: inputs, https: inputs }),
  }),
});
export type UnitsResult = z.infer<typeof unitsResult>;

const BEGIN = /<!-- units-per-track from (\S+)[^>]*-->\n/;
const END = '<!-- /units-per-track -->';

const num = (x: number) => (Math.round(x * 1000) / 1000).toString();

/** The markdown table: units per track by table and operation, S3 and HTTPS source, with totals and their cost. */
export function unitsTable(result: UnitsResult): string {
  const { s3, https } = result.sections.requests;
  const a = s3.code.billing.dynamodbUnits;
  const b = https.code.billing.dynamodbUnits;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const rows = keys.map((k) => {
    const [table, op] = k.split(':');
    const cell = (u: { read: number; write: number } | undefined) => [num(u?.write ?? 0), num(u?.read ?? 0)];
    return [`${table}`, `${op}`, ...cell(a[k]), ...cell(b[k])];
  });
  const total = (m: Record<string, { read: number; write: number }>) => {
    const t = Object.values(m).reduce((s, u) => ({ read: s.read + u.read, write: s.write + u.write }), {
      read: 0,
      write: 0,
    });
    return { ...t, usd: t.write * prices.dynamodbWritePerMillion.usd + t.read * prices.dynamodbReadPerMillion.usd };
  };
  const ta = total(a);
  const tb = total(b);
  rows.push([
    '**all**',
    '',
    `**${num(ta.write)}**`,
    `**${num(ta.read)}**`,
    `**${num(tb.write)}**`,
    `**${num(tb.read)}**`,
  ]);
  rows.push(['$ per million tracks', '', `$${ta.usd.toFixed(2)}`, '', `$${tb.usd.toFixed(2)}`, '']);
  const header = [
    'table',
    'operation',
    'S3 source: write units',
    'read units',
    'HTTPS source: write units',
    'read units',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The table block in `doc`: the result file it names, and its text. */
export function unitsBlock(doc: string): { source: string; table: string } | undefined {
  const begin = BEGIN.exec(doc);
  const end = doc.indexOf(END);
  if (!begin || end < 0) return undefined;
  return { source: begin[1] ?? '', table: doc.slice(begin.index + begin[0].length, end).trim() };
}

export async function readResult(file: string): Promise<UnitsResult> {
  return unitsResult.parse(JSON.parse(await readFile(file, 'utf8')));
}

/** Writes the table from `resultFile` into docs/scale.md, between its markers. */
export async function writeUnitsTable(resultFile: string): Promise<void> {
  const doc = await readFile(unitsDoc, 'utf8');
  const begin = BEGIN.exec(doc);
  const end = doc.indexOf(END);
  if (!begin || end < 0) throw new Error(`${unitsDoc} has no units-per-track markers`);
  const result = await readResult(resultFile);
  const source = relative(root, resultFile);
  const marker = `<!-- units-per-track from ${source} (run of ${result.code.commit.slice(0, 7)}, ${result.startedAt}): written by npm run bench -->\n`;
  await writeFile(unitsDoc, `${doc.slice(0, begin.index)}${marker}${unitsTable(result)}\n${doc.slice(end)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? join(root, 'bench', 'results', 'latest.json');
  await writeUnitsTable(file);
  process.stdout.write(`units per track from ${relative(root, file)} written into ${relative(root, unitsDoc)}\n`);
}
