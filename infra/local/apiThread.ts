import { Worker } from 'node:worker_threads';
import type { ApiHandler } from '../../functions/runtime/handlerTypes.js';
import type { FunctionSettings } from '../../functions/settings.js';
import { apiThreadReply, type ApiThreadCall } from './apiThreadMessages.js';

/**
 * An HTTP function (the api or the listener) in a worker thread of its own, built there from its
 * environment. On AWS each has its own function; in one process it shares the event loop with
 * every worker and completion invocation, so a status read mid-drain waits on their turns.
 */
export async function startApiThread(
  kind: 'api' | 'listener',
  env: Readonly<Record<string, string>>,
  functionName: string,
  fn: FunctionSettings,
  /** Told of each invocation's route and its own duration in the thread. */
  onInvoked?: (routeKey: string, ms: number) => void,
): Promise<{ handler: ApiHandler; close(): Promise<void> }> {
  const worker = new Worker(new URL('./apiThreadMain.ts', import.meta.url), { workerData: { kind, env: { ...env }, functionName, fn: { memoryMb: fn.memoryMb, timeoutSeconds: fn.timeoutSeconds } } });
  const waiting = new Map<number, { routeKey: string; resolve: (r: Awaited<ReturnType<ApiHandler>>) => void; reject: (e: Error) => void }>();
  let next = 0;
  worker.on('message', (raw: unknown) => {
    const m = apiThreadReply.parse(raw);
    const call = waiting.get(m.id);
    waiting.delete(m.id);
    if (call) onInvoked?.(call.routeKey, m.ms);
    if (m.result) call?.resolve(m.result);
    else call?.reject(new Error(m.error ?? `the ${kind} thread gave no answer`));
  });
  // A thread that died answers nothing more: calls in flight and later ones fail at once (a 500).
  let dead: Error | undefined;
  const die = (err: Error): void => {
    dead ??= err;
    for (const call of waiting.values()) call.reject(err);
    waiting.clear();
  };
  worker.on('error', die);
  worker.on('exit', (code) => die(new Error(`the ${kind} thread exited with ${code}`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('online', () => resolve());
    worker.once('error', reject);
  });
  return {
    handler: (event) =>
      new Promise((resolve, reject) => {
        if (dead) return reject(dead);
        const id = next++;
        waiting.set(id, { routeKey: event.routeKey, resolve, reject });
        const call: ApiThreadCall = { id, event };
        worker.postMessage(call);
      }),
    async close() {
      await worker.terminate();
    },
  };
}
