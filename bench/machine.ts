import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export interface Machine {
  readonly os: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  readonly node: string;
  /** 1, 5 and 15 minute load averages before and after the run: others' work on the box skews the figures. */
  readonly loadAverage: { readonly atStart: readonly number[]; readonly atEnd: readonly number[] };
  /** Versions of what the figures depend on, from node_modules. */
  readonly packages: Record<string, string>;
}

export function machine(loadAtStart: readonly number[]): Machine {
  const cpus = os.cpus();
  const version = (name: string): string => {
    try {
      return (
        JSON.parse(readFileSync(join(import.meta.dirname, '..', 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    os: `${os.type()} ${os.release()} (${os.platform()})`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverage: { atStart: loadAtStart.map(round2), atEnd: os.loadavg().map(round2) },
    packages: Object.fromEntries(
      ['fauxqs', 'dynalite', 'autocannon', 'esbuild', '@aws-sdk/client-s3', '@aws-sdk/lib-storage'].map((p) => [
        p,
        version(p),
      ]),
    ),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The commit the figures were taken on, and whether the working tree differed from it. */
export function codeVersion(): { commit: string; uncommittedChanges: boolean } {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: join(import.meta.dirname, '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return {
      commit: git('rev-parse', 'HEAD'),
      uncommittedChanges: git('status', '--porcelain', '--', 'functions', 'infra').length > 0,
    };
  } catch {
    return { commit: 'unknown', uncommittedChanges: false };
  }
}
