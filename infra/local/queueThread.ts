import { Worker } from 'node:worker_threads';
import type { EventSource } from './queuePoller.js';
import { fromQueueThread, type QueueThreadData, type ToQueueThread } from './queueThreadMessages.js';

/**
 * A queue function (worker or completion) and its event source in a worker thread of its own,
 * both built there from the environment, as Lambda builds them. On AWS each function runs in
 * processes of its own; in one process the workers' copies and the completions' callbacks take
 * turns of the same event loop as the API's front, so every answer mid-drain waits on them.
 */
export async function startQueueThread(data: QueueThreadData): Promise<EventSource & { close(): Promise<void> }> {
  const worker = new Worker(new URL('./queueThreadMain.ts', import.meta.url), { workerData: data });
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let next = 0;
  let inFlight = 0;
  let stats = { invocations: 0, records: 0, failures: 0 };
  let dead: Error | undefined;
  worker.on('message', (raw: unknown) => {
    const m = fromQueueThread.parse(raw);
    if (m.kind === 'state') {
      inFlight = m.inFlight;
      stats = m.stats;
      return;
    }
    const call = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) call?.reject(new Error(m.error));
    else call?.resolve();
  });
  const die = (err: Error): void => {
    dead ??= err;
    for (const call of waiting.values()) call.reject(err);
    waiting.clear();
  };
  worker.on('error', die);
  worker.on('exit', (code) => die(new Error(`the ${data.kind} thread exited with ${code}`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('online', () => resolve());
    worker.once('error', reject);
  });
  const ask = (kind: ToQueueThread['kind']): Promise<void> =>
    new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ kind, id } satisfies ToQueueThread);
    });
  return {
    start: () => ask('start'),
    stop: () => ask('stop'),
    get idle() {
      return inFlight === 0;
    },
    get stats() {
      return stats;
    },
    async close() {
      if (!dead) await ask('stop');
      await worker.terminate();
    },
  };
}
