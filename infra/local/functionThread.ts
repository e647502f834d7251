import { Worker } from 'node:worker_threads';

/** A function's worker thread, as the stack holds it: calls to it, whether it died, and its end. */
export interface FunctionThread<Reply> {
  /** Posts `message(id)` and resolves with the thread's reply to that id; rejects at once, or when it dies, once the thread is dead. */
  call(message: (id: number) => unknown): Promise<Reply>;
  /** Why the thread stopped, once it has (an uncaught error, or an exit the stack did not ask for). */
  readonly dead: Error | undefined;
  /** Ends the thread; safe to call more than once and after it died. */
  close(): Promise<void>;
}

/**
 * Starts `main` as a worker thread and resolves once it runs. `onMessage` reads each message the
 * thread posts and names the call it answers, if any. A thread that dies afterwards is told to
 * `onDied` once (Node reports nothing of a worker's uncaught error by itself) and fails the calls
 * it still owes; one that fails or exits before it runs rejects the start.
 */
export async function startFunctionThread<Reply>(opts: {
  readonly main: URL;
  readonly workerData: unknown;
  readonly name: string;
  readonly onMessage: (raw: unknown) => { readonly id: number; readonly reply: Reply } | undefined;
  readonly onDied: (err: Error) => void;
}): Promise<FunctionThread<Reply>> {
  const worker = new Worker(opts.main, { workerData: opts.workerData });
  const waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  let next = 0;
  let dead: Error | undefined;
  let closing = false;
  const die = (err: Error): void => {
    if (dead || closing) return;
    dead = err;
    for (const call of waiting.values()) call.reject(err);
    waiting.clear();
    opts.onDied(err);
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('online', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${opts.name} exited with ${code} as it started`)));
  });
  worker.removeAllListeners('error').removeAllListeners('exit');
  worker.on('message', (raw: unknown) => {
    const answered = opts.onMessage(raw);
    if (!answered) return;
    waiting.get(answered.id)?.resolve(answered.reply);
    waiting.delete(answered.id);
  });
  worker.on('error', (err) => die(new Error(`${opts.name} failed: ${err.message}`, { cause: err })));
  worker.on('exit', (code) => die(new Error(`${opts.name} exited with ${code}`)));
  return {
    call: (message) =>
      new Promise((resolve, reject) => {
        if (dead) return reject(dead);
        const id = next++;
        waiting.set(id, { resolve, reject });
        worker.postMessage(message(id));
      }),
    get dead() {
      return dead;
    },
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}
