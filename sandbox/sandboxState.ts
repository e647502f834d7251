import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResourceNames } from '../functions/adapters/config.js';

/**
 * What a running sandbox tells the operator CLI and `npm run demo`: where its API and emulators
 * listen, what its resources are called, and the demo store's credentials (only their hashes
 * are in the stores table, so the sandbox keeps the originals here, on the user's own disk).
 */
export interface SandboxState {
  readonly apiUrl: string;
  /** The local issuer of listeners' tokens (its key is `issuer-key.json` in the data folder). */
  readonly issuerUrl?: string;
  /** The locker page. */
  readonly lockerUrl?: string;
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly s3: string };
  readonly names: ResourceNames;
  readonly dlqUrls: { readonly downloads: string; readonly completions: string };
  readonly demoStore?: {
    readonly storeId: string;
    readonly apiKey: string;
    readonly signingSecret: string;
    readonly originUrl: string;
  };
  readonly pid: number;
}

export const defaultDataDir = '.sandbox';

export function readSandboxState(dataDir = defaultDataDir): SandboxState | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, 'sandbox.json'), 'utf8')) as SandboxState;
  } catch {
    return undefined;
  }
}

export function writeSandboxState(dataDir: string, state: SandboxState): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'sandbox.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
