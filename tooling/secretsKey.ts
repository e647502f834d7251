import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The sandbox's key for sealing stores' signing secrets (what KMS does on AWS): made once by
 * `npm start`, kept beside the data it protects but outside the stores table, readable by its
 * owner only. The sandbox and the operator CLI both read it here.
 */
export function secretsKeyFile(dataDir: string): string {
  return join(dataDir, 'secrets.key');
}

export class SecretsKeyError extends Error {
  override readonly name = 'SecretsKeyError';
}

/** The key, read only: a new one would seal secrets the sandbox cannot open. */
export function readSecretsKey(dataDir: string): Buffer {
  const file = secretsKeyFile(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : String(err);
    throw new SecretsKeyError(`cannot read the sandbox's secrets key ${file} (${code}); it is made by \`npm start\``);
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new SecretsKeyError(`${file} is not a 32-byte base64 key`);
  return key;
}

/** The sandbox's start: the key it has, or a new one on the first start. */
export function loadOrCreateSecretsKey(dataDir: string): Buffer {
  try {
    return readSecretsKey(dataDir);
  } catch {
    // first start
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(secretsKeyFile(dataDir), `${key.toString('base64')}\n`, { mode: 0o600 });
  return key;
}
