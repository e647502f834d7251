// Runs inside one local "container" (a Node.js child process of the template's runtime major):
// loads the function's bundle the way the Lambda Node.js runtime does (`_HANDLER` is
// `<module>.<export>` under LAMBDA_TASK_ROOT), then takes one invocation at a time from its
// parent over IPC. Only node: built-ins here: this file runs with Node's own type stripping.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Invoke {
  readonly type: 'invoke';
  readonly id: number;
  readonly event: unknown;
  readonly requestId: string;
  readonly deadline: number;
  readonly traceId: string;
  readonly functionArn: string;
}

type Handler = (event: unknown, context: Record<string, unknown>) => Promise<unknown>;

const send = (msg: unknown) => process.send?.(msg);

async function loadHandler(): Promise<Handler> {
  const spec = process.env._HANDLER ?? 'index.handler';
  const dot = spec.lastIndexOf('.');
  const [moduleName, exportName] = [spec.slice(0, dot), spec.slice(dot + 1)];
  const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  const file = ['.mjs', '.js', '.cjs'].map((ext) => join(root, moduleName + ext)).find((f) => existsSync(f));
  if (!file) throw new Error(`Runtime.ImportModuleError: Cannot find module '${moduleName}'`);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`Runtime.HandlerNotFound: ${spec} is undefined or not exported`);
  return fn as Handler;
}

const ready = loadHandler();
ready.then(
  () => send({ type: 'ready' }),
  (err: unknown) => {
    send({ type: 'initError', error: describe(err) });
  },
);

// The container lives as long as its host: a sandbox that exits, however it dies, leaves none behind.
process.on('disconnect', () => process.exit(0));

process.on('message', (raw: Invoke) => {
  if (raw.type !== 'invoke') return;
  void run(raw);
});

async function run(msg: Invoke): Promise<void> {
  process.env._X_AMZN_TRACE_ID = msg.traceId;
  const env = process.env;
  const context = {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: msg.functionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: msg.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
  };
  try {
    const handler = await ready;
    const value = await handler(msg.event, context);
    send({ type: 'result', id: msg.id, ok: true, value: value === undefined ? null : value });
  } catch (err) {
    send({ type: 'result', id: msg.id, ok: false, error: describe(err) });
  }
}

function describe(err: unknown): { errorType: string; errorMessage: string; stack?: string } {
  if (err instanceof Error)
    return { errorType: err.name, errorMessage: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { errorType: 'Error', errorMessage: String(err) };
}
