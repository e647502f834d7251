import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DataDirInUseError, lockDataDir } from '../../sandbox/dataDirLock.js';

const dir = mkdtempSync(join(tmpdir(), 'trackdrop-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a data folder held by a running sandbox is refused with who holds it; released, it is free again', async () => {
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    writeFileSync(join(dir, 'sandbox.lock'), String(other.pid));
    assert.throws(() => lockDataDir(dir), (e: Error) => e instanceof DataDirInUseError && e.pid === other.pid && e.message.includes(dir));
  } finally {
    other.kill();
    await new Promise((r) => other.once('exit', r));
  }
  // The holder is gone: its lock is stale and taken over.
  const release = lockDataDir(dir);
  assert.ok(existsSync(join(dir, 'sandbox.lock')));
  release();
  assert.ok(!existsSync(join(dir, 'sandbox.lock')));
});
