import { startFunctionThread } from './functionThread.js';
import type { EventSource } from './queuePoller.js';
import { fromQueueThread, type QueueThreadData, type ToQueueThread } from './queueThreadMessages.js';

/**
 * A queue function (worker or completion) and its event source in a worker thread of its own,
 * both built there from the environment, as Lambda builds them. On AWS each function runs in
 * processes of its own; in one process the workers' copies and the completions' callbacks take
 * turns of the same event loop as the API's front, so every answer mid-drain waits on them.
 * A thread that died has stopped: stopping it again resolves, starting it rejects, and messages
 * it held come back to their queue when their lease runs out.
 */
export async function startQueueThread(
  data: QueueThreadData,
  onDied: (err: Error) => void,
): Promise<EventSource & { close(): Promise<void> }> {
  let inFlight = 0;
  let waiting = 0;
  let stats = { invocations: 0, records: 0, failures: 0 };
  const thread = await startFunctionThread({
    main: new URL('./queueThreadMain.ts', import.meta.url),
    workerData: data,
    name: `the ${data.functionName} thread`,
    onMessage: (raw) => {
      const m = fromQueueThread.parse(raw);
      if (m.kind === 'done') return { id: m.id, reply: m };
      inFlight = m.inFlight;
      waiting = m.waiting;
      stats = m.stats;
      return undefined;
    },
    onDied: (err) => {
      inFlight = 0;
      waiting = 0;
      onDied(err);
    },
  });
  const ask = async (kind: ToQueueThread['kind']): Promise<void> => {
    if (thread.dead && kind === 'stop') return;
    const done = await thread.call((id) => ({ kind, id }) satisfies ToQueueThread);
    if (done.error) throw new Error(done.error);
  };
  return {
    start: () => ask('start'),
    stop: () => ask('stop'),
    get idle() {
      return inFlight === 0 && waiting === 0;
    },
    get stats() {
      return stats;
    },
    async close() {
      try {
        await ask('stop');
      } finally {
        await thread.close();
      }
    },
  };
}
