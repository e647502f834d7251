import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataDirInUseError, lockDataDir, lockFileName } from '../../sandbox/dataDirLock.js';

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'trackdrop-lock-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the lock holds the owner pid and is removed on release', () => {
  const dir = freshDir();
  const lock = lockDataDir(dir);
  assert.equal(readFileSync(join(dir, lockFileName), 'utf8').trim(), String(process.pid));
  lock.release();
  assert.equal(existsSync(join(dir, lockFileName)), false);
});

test('a folder locked by a live process is refused, naming its pid', async (t) => {
  const dir = freshDir();
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  t.after(() => other.kill('SIGKILL'));
  writeFileSync(join(dir, lockFileName), `${other.pid}\n`);
  assert.throws(
    () => lockDataDir(dir),
    (err: unknown) =>
      err instanceof DataDirInUseError && err.pid === other.pid && /in use by another sandbox/.test(err.message),
  );
  assert.equal(readFileSync(join(dir, lockFileName), 'utf8').trim(), String(other.pid), 'its lock is left alone');
});

test('a lock whose pid is gone is stale and taken over', () => {
  const dir = freshDir();
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(join(dir, lockFileName), `${gone.stdout}\n`);
  const lock = lockDataDir(dir);
  assert.equal(readFileSync(join(dir, lockFileName), 'utf8').trim(), String(process.pid));
  lock.release();
});
