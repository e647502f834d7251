import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as resources from '../functions/resources.js';
import { bundle } from '../infra/cdk/esbuildBundle.js';
import { median } from './pipelineThroughput.js';

export type FunctionName = 'api' | 'worker' | 'completion' | 'listener';

export interface InitFigures {
  /** Median of the runs: `await import(bundle)` alone, ms. */
  readonly importMs: number;
  /** Median of the runs: from the process's start (performance.timeOrigin) to the import done, ms. */
  readonly sinceProcessStartMs: number;
  readonly runs: readonly { readonly importMs: number; readonly sinceProcessStartMs: number }[];
}

export interface BundleFigures {
  /** The minified .mjs, kB = 1,000 bytes (the source map, a separate file, not counted). */
  readonly bundleKB: number;
  readonly mapKB: number;
  readonly init: InitFigures;
  /** The same, with NODE_OPTIONS=--enable-source-maps as the CDK app sets it on Lambda. */
  readonly initWithSourceMaps: InitFigures;
}

export interface ColdStartResult {
  readonly runs: number;
  readonly functions: Record<FunctionName, BundleFigures>;
  /** An empty handler bundled the same way: Node's own floor. */
  readonly emptyHandler: BundleFigures;
}

const PROBE = `const t0 = performance.now();
const m = await import(process.argv[2]);
const t1 = performance.now();
if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(2); }
process.stdout.write(JSON.stringify({ importMs: t1 - t0, sinceProcessStartMs: t1 }));
`;

/**
 * Each Lambda handler bundled as the CDK bundles it, into a temp dir: its size, and its module
 * init time as the median of `runs` fresh node processes that import it with the environment
 * the handler reads at cold start (resource names; no endpoints, nothing is called).
 */
export async function coldStart(opts: { runs: number }): Promise<ColdStartResult> {
  const dir = await mkdtemp(join(tmpdir(), 'trackdrop-bench-cold-'));
  try {
    const root = join(import.meta.dirname, '..');
    const entries: Record<FunctionName | 'empty', string> = {
      api: join(root, 'functions', 'handlers', 'api.ts'),
      worker: join(root, 'functions', 'handlers', 'worker.ts'),
      completion: join(root, 'functions', 'handlers', 'completion.ts'),
      listener: join(root, 'functions', 'handlers', 'listener.ts'),
      empty: join(dir, 'empty.ts'),
    };
    await writeFile(entries.empty, 'export const handler = async () => ({ statusCode: 200 });\n');
    const probe = join(dir, 'probe.mjs');
    await writeFile(probe, PROBE);
    const names = Object.keys(entries) as (keyof typeof entries)[];
    await Promise.all(names.map((n) => bundle(entries[n], join(dir, `${n}.mjs`))));

    const samples = new Map<string, { importMs: number; sinceProcessStartMs: number }[]>();
    // Round robin, so a noisy moment does not land on one function only.
    for (let i = 0; i < opts.runs; i++) {
      for (const n of names) {
        for (const maps of [false, true]) {
          const key = `${n}:${maps}`;
          const list = samples.get(key) ?? samples.set(key, []).get(key)!;
          list.push(await importOnce(probe, join(dir, `${n}.mjs`), maps));
        }
      }
    }
    const figures = async (n: keyof typeof entries): Promise<BundleFigures> => ({
      bundleKB: (await stat(join(dir, `${n}.mjs`))).size / 1000,
      mapKB: (await stat(join(dir, `${n}.mjs.map`))).size / 1000,
      init: summarize(samples.get(`${n}:false`) ?? []),
      initWithSourceMaps: summarize(samples.get(`${n}:true`) ?? []),
    });
    return {
      runs: opts.runs,
      functions: {
        api: await figures('api'),
        worker: await figures('worker'),
        completion: await figures('completion'),
        listener: await figures('listener'),
      },
      emptyHandler: await figures('empty'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The end of a stack trace, without the minified source line Node prints above it. */
function lastLines(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.length < 400)
    .slice(-8)
    .join('\n');
}

function summarize(runs: { importMs: number; sinceProcessStartMs: number }[]): InitFigures {
  return {
    importMs: median(runs.map((r) => r.importMs)),
    sinceProcessStartMs: median(runs.map((r) => r.sinceProcessStartMs)),
    runs,
  };
}

/** What a handler reads at cold start: every resource's environment variable, with a plausible value. */
function handlerEnv(sourceMaps: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    POWERTOOLS_SERVICE_NAME: 'trackdrop',
    POWERTOOLS_METRICS_NAMESPACE: 'Trackdrop',
    ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
  };
  for (const t of Object.values(resources.tables)) env[t.env] = t.name;
  for (const q of Object.values(resources.queues))
    env[q.env] = `https://sqs.us-east-1.amazonaws.com/123456789012/${q.name}`;
  env[resources.bucket.env] = resources.bucket.name;
  // The KMS key sealing stores' signing secrets, as the CDK app sets it (where the code has one).
  const kmsKeyEnv = (resources as Record<string, unknown>).secretsKeyEnv;
  if (typeof kmsKeyEnv === 'string') env[kmsKeyEnv] = '1234abcd-12ab-34cd-56ef-1234567890ab';
  return env;
}

function importOnce(
  probe: string,
  bundlePath: string,
  sourceMaps: boolean,
): Promise<{ importMs: number; sinceProcessStartMs: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [probe, bundlePath],
      { env: handlerEnv(sourceMaps), timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`importing ${bundlePath} failed: ${lastLines(stderr)}`));
        try {
          resolve(JSON.parse(stdout) as { importMs: number; sinceProcessStartMs: number });
        } catch {
          reject(new Error(`probe printed no figures: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}
