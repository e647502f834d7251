import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '../infra/local/emulators.js';

export interface Endpoints {
  readonly dynamodb: string;
  readonly sqs: string;
  readonly s3: string;
}

export interface EmulatorProcesses {
  readonly endpoints: Endpoints;
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..');
const children = new Set<ChildProcess>();
// A benchmark that dies must not leave emulators behind.
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/**
 * fauxqs (SQS and S3) and dynalite (DynamoDB), each in a child process of its own, so their CPU
 * is not charged to the code under test. Loopback only; in memory, except S3 bodies, which go
 * to `s3StorageDir` when given (a 1 GiB object must not sit in the emulator's RAM).
 */
export async function startEmulatorProcesses(
  opts: { s3StorageDir?: string; dynamodb?: boolean } = {},
): Promise<EmulatorProcesses> {
  const started: ChildProcess[] = [];
  try {
    const fq = launch(process.execPath, [join(root, 'bench', 'fauxqsServer.mjs')], {
      FAUXQS_HOST: '127.0.0.1',
      FAUXQS_LOGGER: 'false',
      ...(opts.s3StorageDir ? { FAUXQS_S3_STORAGE_DIR: opts.s3StorageDir } : {}),
    });
    started.push(fq);
    const { port: awsPort } = JSON.parse(await firstLine(fq, (l) => l.startsWith('{'))) as { port: number };
    let dynamodb = '';
    if (opts.dynamodb !== false) {
      const port = await freePort();
      const dl = launch(process.execPath, [
        join(root, 'node_modules', 'dynalite', 'cli.js'),
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--createTableMs',
        '0',
        '--deleteTableMs',
        '0',
        '--updateTableMs',
        '0',
      ]);
      started.push(dl);
      await firstLine(dl, (l) => l.includes('listening'));
      dynamodb = `http://127.0.0.1:${port}`;
    }
    const aws = `http://127.0.0.1:${awsPort}`;
    return {
      endpoints: { dynamodb, sqs: aws, s3: aws },
      stop: () => Promise.all(started.map(stopChild)).then(() => undefined),
    };
  } catch (err) {
    await Promise.all(started.map(stopChild));
    throw err;
  }
}

/** Starts emulators, runs `fn`, and stops them whatever happens. */
export async function withEmulators<T>(
  opts: Parameters<typeof startEmulatorProcesses>[0],
  fn: (e: EmulatorProcesses) => Promise<T>,
): Promise<T> {
  const emulators = await startEmulatorProcesses(opts);
  try {
    return await fn(emulators);
  } finally {
    await emulators.stop();
  }
}

function launch(cmd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function firstLine(child: ChildProcess, match: (line: string) => boolean, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`emulator not ready after ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    lines.on('line', (line) => {
      if (!match(line)) return;
      clearTimeout(timer);
      lines.close();
      // Keep draining, or a chatty child blocks on a full pipe.
      child.stdout?.resume();
      resolve(line);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code} before it was ready: ${stderr}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
  await Promise.race([gone, timer]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
