import type { ApiHandler } from '../../functions/runtime/handlerTypes.js';
import type { FunctionSettings } from '../../functions/settings.js';
import { type ApiThreadCall, apiThreadReply } from './apiThreadMessages.js';
import { startFunctionThread } from './functionThread.js';

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
  /** Told once if the thread dies; calls in flight and later ones then fail at once (a 500). */
  onDied: (err: Error) => void,
  /** Told of each invocation's route and its own duration in the thread. */
  onInvoked?: (routeKey: string, ms: number) => void,
): Promise<{ handler: ApiHandler; close(): Promise<void> }> {
  const thread = await startFunctionThread({
    main: new URL('./apiThreadMain.ts', import.meta.url),
    workerData: {
      kind,
      env: { ...env },
      functionName,
      fn: { memoryMb: fn.memoryMb, timeoutSeconds: fn.timeoutSeconds },
    },
    name: `the ${functionName} thread`,
    onMessage: (raw) => {
      const reply = apiThreadReply.parse(raw);
      return { id: reply.id, reply };
    },
    onDied,
  });
  return {
    handler: async (event) => {
      const reply = await thread.call((id) => ({ id, event }) satisfies ApiThreadCall);
      onInvoked?.(event.routeKey, reply.ms);
      if (reply.result) return reply.result;
      throw new Error(reply.error ?? `the ${functionName} thread gave no answer`);
    },
    close: () => thread.close(),
  };
}
