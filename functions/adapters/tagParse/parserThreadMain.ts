import { parentPort } from 'node:worker_threads';
import { serveParser } from './parserThread.js';

/** The tag-parser thread's entry (see TagParser): bundled apart as `tagParserThread.mjs`. */
if (!parentPort) throw new Error('parserThreadMain runs as a worker thread');
serveParser(parentPort);
