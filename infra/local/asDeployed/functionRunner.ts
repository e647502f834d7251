import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { installedNode } from '../nodeBinary.js';

/** One `AWS::Lambda::Function` of the template, resolved to local values. */
export interface FunctionSpec {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly runtime: string;
  readonly handler: string;
  /** The asset folder `cdk deploy` would zip. */
  readonly codeDir: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** `Environment.Variables`, resolved. */
  readonly environment: Readonly<Record<string, string>>;
}

export class FunctionError extends Error {
  override readonly name = 'FunctionError';
  /** The invocation's request id, once the runner knows which one failed. */
  requestId?: string;
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** The Node.js binary for a `nodejsNN.x` runtime: the project's own `nodeNN` when installed, else this one. */
export function nodeForRuntime(runtime: string): { readonly path: string; readonly exact: boolean } {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (!major) throw new Error(`runtime ${runtime} is not a Node.js runtime`);
  const own = process.versions.node.split('.')[0];
  if (own === major) return { path: process.execPath, exact: true };
  const installed = installedNode(major);
  return installed ? { path: installed.path, exact: true } : { path: process.execPath, exact: false };
}

export interface RunnerOptions {
  readonly region: string;
  /** What the Lambda service adds to a function's environment (endpoints, credentials, ...). */
  readonly runtimeEnv: Readonly<Record<string, string>>;
  /** Each line a container writes (what CloudWatch Logs would get). */
  readonly onLog?: (line: string) => void;
}

const INIT_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** One container: a Node.js process holding one loaded bundle, one invocation at a time. */
class Container {
  readonly child: ChildProcess;
  busy = false;
  dead = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  /** The init phase: the bundle loaded (or failed to). Lambda starts an invocation's timeout only after it. */
  private readonly initialized: Promise<void>;

  constructor(
    private readonly spec: FunctionSpec,
    node: string,
    env: Record<string, string>,
    onLog: (line: string) => void,
  ) {
    // The template's MemorySize is the heap limit; NODE_OPTIONS (from the template) applies as on Lambda.
    this.child = fork(join(import.meta.dirname, 'lambdaBootstrap.ts'), [], {
      execPath: node,
      execArgv: [`--max-old-space-size=${spec.memoryMb}`],
      cwd: spec.codeDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
      // A group of its own: a Ctrl-C to the sandbox's terminal reaches the sandbox, which lets
      // invocations in flight finish, and not the containers, which Lambda never signals so.
      detached: true,
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', onLog);
    }
    this.child.on(
      'message',
      (msg: {
        type: string;
        id?: number;
        ok?: boolean;
        value?: unknown;
        error?: { errorType: string; errorMessage: string };
      }) => {
        if (msg.type === 'initError' && msg.error)
          onLog(`INIT_ERROR ${msg.error.errorType}: ${msg.error.errorMessage}`);
        if (msg.type !== 'result' || msg.id === undefined) return;
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.ok) p?.resolve(msg.value);
        else p?.reject(new FunctionError(msg.error?.errorType ?? 'Error', msg.error?.errorMessage ?? 'unknown error'));
      },
    );
    this.initialized = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(initTimer);
        resolve();
      };
      // Lambda's init phase may take up to 10 s; a container that takes longer is thrown away.
      const initTimer = setTimeout(() => {
        this.kill();
        done();
      }, INIT_TIMEOUT_MS);
      this.child.on('message', (msg: { type: string }) => {
        if (msg.type === 'ready' || msg.type === 'initError') done();
      });
      this.child.on('exit', done);
    });
    this.child.on('exit', (code, signal) => {
      this.dead = true;
      for (const p of this.pending.values())
        p.reject(
          new FunctionError(
            'Runtime.ExitError',
            `RequestId: container exited (${signal ?? code}) before the invocation returned`,
          ),
        );
      this.pending.clear();
    });
  }

  async invoke(event: unknown, requestId: string): Promise<unknown> {
    await this.initialized;
    if (this.dead)
      throw new FunctionError('Runtime.ExitError', 'RequestId: container exited or timed out during its init phase');
    const id = this.nextId++;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    return new Promise<unknown>((resolve, reject) => {
      // Past its timeout Lambda stops the invocation and the container with it.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.kill();
        reject(
          new FunctionError('Sandbox.Timedout', `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`),
        );
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const traceId = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
      this.child.send({
        type: 'invoke',
        id,
        event,
        requestId,
        deadline: Date.now() + timeoutMs,
        traceId,
        functionArn: this.spec.arn,
      });
    });
  }

  kill(): void {
    if (!this.dead) this.child.kill('SIGKILL');
    this.dead = true;
  }
}

/**
 * Runs one function of the template as Lambda does: its bundle in containers of the template's
 * runtime, memory and timeout, each handling one invocation at a time; a new container starts
 * (a cold start) when all are busy, a timed-out or crashed one is thrown away.
 */
export class FunctionRunner {
  private readonly containers: Container[] = [];
  private readonly node: { readonly path: string; readonly exact: boolean };
  readonly stats = { coldStarts: 0, invocations: 0, errors: 0, timeouts: 0 };

  constructor(
    readonly spec: FunctionSpec,
    private readonly opts: RunnerOptions,
  ) {
    this.node = nodeForRuntime(spec.runtime);
  }

  /** Whether the template's Node.js major runs here, or this process's Node.js stands in for it. */
  get exactRuntime(): boolean {
    return this.node.exact;
  }

  async invoke(event: unknown): Promise<unknown> {
    let container = this.containers.find((c) => !c.busy && !c.dead);
    if (!container) {
      container = new Container(this.spec, this.node.path, this.environment(), this.opts.onLog ?? (() => {}));
      this.containers.push(container);
      this.stats.coldStarts += 1;
    }
    container.busy = true;
    this.stats.invocations += 1;
    const requestId = randomUUID();
    try {
      return await container.invoke(event, requestId);
    } catch (err) {
      this.stats.errors += 1;
      if (err instanceof FunctionError && err.errorType === 'Sandbox.Timedout') this.stats.timeouts += 1;
      // What Lambda itself writes to the function's log when an invocation fails.
      if (err instanceof FunctionError) {
        err.requestId = requestId;
        this.opts.onLog?.(`${new Date().toISOString()} ${requestId} ${err.errorType}: ${err.message}`);
      }
      throw err;
    } finally {
      container.busy = false;
      if (container.dead) this.containers.splice(this.containers.indexOf(container), 1);
    }
  }

  /** The process ids of the containers busy with an invocation now (what a fault injector kills). */
  busyPids(): number[] {
    return this.containers.flatMap((c) => (c.busy && !c.dead && c.child.pid !== undefined ? [c.child.pid] : []));
  }

  /** The template's variables over what the Lambda service sets for every function. */
  private environment(): Record<string, string> {
    const { spec } = this;
    return {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      AWS_REGION: this.opts.region,
      AWS_DEFAULT_REGION: this.opts.region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${randomBytes(16).toString('hex')}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: spec.codeDir,
      _HANDLER: spec.handler,
      ...this.opts.runtimeEnv,
      ...spec.environment,
    };
  }

  stop(): void {
    for (const c of this.containers) c.kill();
    this.containers.length = 0;
  }
}
