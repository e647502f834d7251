import { parentPort } from 'node:worker_threads';
import { serveParser } from '../../functions/adapters/tagParse/parserThread.js';

/**
 * A tag-parser thread that loops, as music-metadata did on crafted files in its advisories, on
 * any file that holds LOOP_MARK; every other file it parses for real.
 */
export const LOOP_MARK = 'LOOP-ME';

if (parentPort) {
  serveParser(parentPort, (message) => {
    if (message.kind !== 'buffer' || !Buffer.from(message.bytes).includes(LOOP_MARK)) return;
    // A synchronous loop: nothing but ending the thread stops it.
    for (let spins = 0; spins >= 0; spins = (spins + 1) % Number.MAX_SAFE_INTEGER);
  });
}
