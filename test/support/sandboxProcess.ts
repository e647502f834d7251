import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../infra/local/emulators.js';
import { readSandboxState, type SandboxState } from '../../tooling/sandboxState.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface SandboxPorts {
  readonly api: number;
  readonly store: number;
  readonly locker: number;
  readonly issuer: number;
}

/** Every port the sandbox opens, free ones, so a test never meets another sandbox's defaults. */
export async function freeSandboxPorts(): Promise<SandboxPorts> {
  return { api: await freePort(), store: await freePort(), locker: await freePort(), issuer: await freePort() };
}

export function portArgs(p: SandboxPorts): string[] {
  return [
    '--port',
    String(p.api),
    '--store-port',
    String(p.store),
    '--locker-port',
    String(p.locker),
    '--issuer-port',
    String(p.issuer),
  ];
}

export interface SandboxProcess {
  readonly child: ChildProcess;
  readonly state: SandboxState;
  output(): string;
  /** Resolves with the exit code once the sandbox has exited. */
  readonly exited: Promise<number | null>;
}

/**
 * `npm start -- <args>`, as a newcomer runs it: the sandbox's entry point on the project's Node.js,
 * in a process group of its own (as a terminal gives it), so a test can signal the group the way
 * Ctrl-C does. Resolves once the walkthrough is printed and the state file is written.
 */
export async function startSandboxProcess(
  args: readonly string[],
  opts: { readonly dataDir: string; readonly startTimeoutMs?: number },
): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', ...args, '--data-dir', opts.dataDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (!out.includes('npm run demo')) {
    if (child.exitCode !== null) throw new Error(`sandbox exited early:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sandbox did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const state = readSandboxState(opts.dataDir);
  if (!state) throw new Error(`the sandbox wrote no readable sandbox.json in ${opts.dataDir}`);
  return { child, state, output: () => out, exited };
}

/** Kills the sandbox's whole process group (its containers included), if it still runs. */
export function killSandboxGroup(sandbox: SandboxProcess | undefined): void {
  if (!sandbox || sandbox.child.exitCode !== null || sandbox.child.pid === undefined) return;
  try {
    process.kill(-sandbox.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real operator CLI, as a child process: `node bin/trackdrop.mjs …`. */
export function trackdrop(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/trackdrop.mjs', ...args],
      // A guard against a hung CLI, not a speed check: generous, since several start at once.
      { cwd: repoRoot, env: { ...process.env, TRACKDROP_DEBUG: '', ...env }, timeout: 90_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
