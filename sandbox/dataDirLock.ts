import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isProcessAlive } from '../tooling/processAlive.js';

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the data folder ${resolve(dataDir)} is in use by another sandbox (pid ${pid}); stop it first, or start this one with another --data-dir`,
    );
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock, if it is still this process's. */
  release(): void;
}

export const lockFileName = 'sandbox.lock';

/**
 * One sandbox per data folder: its emulators keep their files open there, and a second one
 * would fail deep inside them. The lock file holds the owner's pid; a lock whose pid is gone
 * (a sandbox killed with SIGKILL) is stale and taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, lockFileName);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return { file, release: () => release(file) };
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
    }
    const owner = ownerOf(file);
    if (owner !== undefined && owner !== process.pid && isProcessAlive(owner))
      throw new DataDirInUseError(dataDir, owner);
    takeOverStale(file, owner);
  }
  throw new Error(`could not take the lock ${file}: other sandboxes keep starting in ${resolve(dataDir)}`);
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // gone meanwhile, or being written: the next attempt looks again
  }
}

/** Moves the stale lock aside (one process wins the rename); puts it back if it was a live one after all. */
function takeOverStale(file: string, stalePid: number | undefined): void {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // another process moved it first
  }
  const moved = ownerOf(aside);
  if (moved !== stalePid && moved !== undefined && isProcessAlive(moved)) {
    renameSync(aside, file); // a fresh lock replaced the stale one meanwhile: not ours to remove
    return;
  }
  unlinkSync(aside);
}

function release(file: string): void {
  if (ownerOf(file) !== process.pid) return;
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
