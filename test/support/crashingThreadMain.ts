/** A worker thread that fails the way a function's bug would: an uncaught error, after it has run for a while. */
import { parentPort } from 'node:worker_threads';

parentPort?.on('message', (m: { id: number; crash?: boolean }) => {
  if (m.crash)
    setImmediate(() => {
      throw new Error('a bug in the function');
    });
  else parentPort?.postMessage({ id: m.id });
});
