/** The thread side of fakeStoreThread.ts: a fake store whose files and secret come by message, and whose callbacks and origin hits go back by message. */
import { parentPort } from 'node:worker_threads';
import { startFakeStore } from './fakeStore.js';
import { type FromStoreThread, toStoreThread } from './fakeStoreThreadMessages.js';

const port = parentPort;
if (!port) throw new Error('fakeStoreThreadMain runs as a worker thread');
const tell = (m: FromStoreThread): void => port.postMessage(m);
const store = await startFakeStore({
  onEvent: (event) => tell({ kind: 'event', event }),
  onOriginHit: (name) => tell({ kind: 'hit', name }),
});
port.on('message', (raw: unknown) => {
  const m = toStoreThread.parse(raw);
  if (m.kind === 'file') store.addFile(m.name, Buffer.from(m.body), m.contentType);
  else if (m.kind === 'secret') store.secret = m.secret;
  else if (m.kind === 'callbackDelay') store.callbackDelayMs = m.ms;
  else tell({ kind: 'synced', id: m.id });
});
tell({ kind: 'listening', base: store.originUrl });
