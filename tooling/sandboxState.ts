import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const endpointsSchema = z.object({ dynamodb: z.string(), sqs: z.string(), s3: z.string() });

/**
 * What a running sandbox tells the operator CLI and `npm run demo`: where its API and emulators
 * listen, what its resources are called, and the demo store's credentials (only their hashes
 * are in the stores table, so the sandbox keeps the originals here, on the user's own disk).
 */
export const sandboxStateSchema = z.object({
  apiUrl: z.string(),
  /** The local issuer of listeners' tokens (its key is `issuer-key.json` in the data folder). */
  issuerUrl: z.string().optional(),
  /** The locker page. */
  lockerUrl: z.string().optional(),
  /** The emulators themselves (the demo's view of the bucket and tables). */
  endpoints: endpointsSchema,
  names: z.object({
    tables: z.object({ stores: z.string(), downloads: z.string(), licenses: z.string(), library: z.string() }),
    queueUrls: z.object({
      downloads: z.string(),
      completions: z.string(),
      slowCallbacks: z.string(),
      erasures: z.string(),
    }),
    bucket: z.string(),
  }),
  dlqUrls: z.object({
    downloads: z.string(),
    completions: z.string(),
    slowCallbacks: z.string(),
    erasures: z.string(),
  }),
  demoStore: z
    .object({ storeId: z.string(), apiKey: z.string(), signingSecret: z.string(), originUrl: z.string() })
    .optional(),
  /**
   * As deployed: the outputs file the sandbox wrote (the shape `cdk deploy --outputs-file`
   * writes) and the environment an operator's shell has for it (credentials, and the operator
   * role's IAM-checked endpoint as every AWS endpoint). The CLI acts through them exactly as it
   * does on a stack on AWS.
   */
  deployed: z
    .object({
      outputsFile: z.string(),
      stackName: z.string(),
      operatorEnv: z.record(z.string(), z.string()),
    })
    .optional(),
  pid: z.number().int(),
});

export type SandboxState = z.infer<typeof sandboxStateSchema>;

export const defaultDataDir = '.sandbox';

/** The state of the sandbox on `dataDir`, or undefined when there is none (or it is not one this version wrote). */
export function readSandboxState(dataDir = defaultDataDir): SandboxState | undefined {
  try {
    const parsed = sandboxStateSchema.safeParse(JSON.parse(readFileSync(join(dataDir, 'sandbox.json'), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeSandboxState(dataDir: string, state: SandboxState): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'sandbox.json'), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
