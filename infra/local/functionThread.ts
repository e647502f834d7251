import { Worker } from 'node:worker_threads';

/** A function's worker thread, as the stack holds it: messages to it, whether it died, and its end. */
export interface FunctionThread {
  post(message: unknown): void;
  /** Why the thread stopped, once it has (an uncaught error, or an exit the stack did not ask for). */
  readonly dead: Error | undefined;
  /** Ends the thread; safe to call more than once and after it died. */
  close(): Promise<void>;
}

/**
 * Starts `main` as a worker thread and resolves once it runs. A thread that dies afterwards is
 * told to `onDied` once (Node reports nothing of a worker's uncaught error by itself); one that
 * fails or exits before it runs rejects the start.
 */
export async function startFunctionThread(opts: {
  readonly main: URL;
  readonly workerData: unknown;
  readonly name: string;
  readonly onMessage: (raw: unknown) => void;
  readonly onDied: (err: Error) => void;
}): Promise<FunctionThread> {
  const worker = new Worker(opts.main, { workerData: opts.workerData });
  let dead: Error | undefined;
  let closing = false;
  const die = (err: Error): void => {
    if (dead || closing) return;
    dead = err;
    opts.onDied(err);
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('online', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${opts.name} exited with ${code} as it started`)));
  });
  worker.removeAllListeners('error').removeAllListeners('exit');
  worker.on('message', opts.onMessage);
  worker.on('error', (err) => die(new Error(`${opts.name} failed: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => die(new Error(`${opts.name} exited with ${code}`)));
  return {
    post: (m) => worker.postMessage(m),
    get dead() {
      return dead;
    },
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}
