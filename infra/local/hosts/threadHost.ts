import type { ApiHandler } from '../../../functions/runtime/handlerTypes.js';
import type { TrackdropSettings } from '../../../functions/settings.js';
import { startApiThread } from '../apiThread.js';
import { startQueueThread } from '../queueThread.js';
import type { FunctionHost } from './functionHost.js';
import { functionName, functionSettings, type SourceFunction } from './sourceFunction.js';

export interface ThreadHostOptions {
  /** Each function's environment: its plan's variables and what the local run adds. */
  readonly envOf: (fn: SourceFunction) => Readonly<Record<string, string>>;
  readonly settings: TrackdropSettings;
  /** The emulators a queue thread's event source long-polls with a client of its own. */
  readonly endpoints: { readonly dynamodb: string; readonly sqs: string; readonly s3: string };
  /** Told once of a function's thread that died: its calls then fail with a 500, its messages wait for their lease. */
  readonly onDied: (functionName: string, err: Error) => void;
  /** Told of each api invocation's route and its own duration in the thread. */
  readonly onApiInvoked?: ((routeKey: string, ms: number) => void) | undefined;
}

export interface ThreadHost extends FunctionHost<SourceFunction, ApiHandler> {
  /** Ends every thread it started (after the stack stopped their event sources). */
  close(): Promise<void>;
}

/**
 * Each function in a worker thread of its own, built there from the environment alone, as Lambda
 * builds it (apiThread.ts, queueThread.ts): the sandbox's copies and callbacks then do not take
 * turns of the event loop that answers the API.
 */
export function threadHost(o: ThreadHostOptions): ThreadHost {
  const started: { close(): Promise<void> }[] = [];
  const own = <T extends { close(): Promise<void> }>(t: T): T => {
    started.push(t);
    return t;
  };
  return {
    async http(fn) {
      if (fn !== 'api' && fn !== 'listener') throw new Error(`${functionName(fn)} is not an HTTP function`);
      const name = functionName(fn);
      const thread = own(
        await startApiThread(
          fn,
          o.envOf(fn),
          name,
          functionSettings(o.settings, fn),
          (err) => o.onDied(name, err),
          fn === 'api' ? o.onApiInvoked : undefined,
        ),
      );
      return thread.handler;
    },
    async queue(fn, source) {
      if (fn !== 'worker' && fn !== 'completion') throw new Error(`${functionName(fn)} is not a queue function`);
      const name = functionName(fn);
      return own(
        await startQueueThread(
          {
            kind: fn,
            env: { ...o.envOf(fn) },
            functionName: name,
            fn: functionSettings(o.settings, fn),
            endpoints: o.endpoints,
            source: source.plan,
            leaseSeconds: source.leaseSeconds,
            fair: source.fair,
          },
          (err) => o.onDied(name, err),
        ),
      );
    },
    async close() {
      // The last started first, as the stack's teardown does.
      for (const t of started.reverse()) await t.close();
    },
  };
}
