import { Worker } from 'node:worker_threads';
import type { ReceivedEvent } from './fakeStore.js';
import { fromStoreThread, type ToStoreThread } from './fakeStoreThreadMessages.js';

/** The part of a fake store a volume run uses. */
export interface ThreadStore {
  readonly originUrl: string;
  readonly callbackUrl: string;
  /** Serves `body` at `/tracks/<name>` once `synced()` resolves; returns its URL. */
  addFile(name: string, body: Buffer, contentType?: string): string;
  /** Resolves once every file and secret sent before it is in place in the store. */
  synced(): Promise<void>;
  /** Every callback the store took, in the order it reported them. */
  readonly events: ReceivedEvent[];
  readonly originHits: Map<string, number>;
  secret: string;
  /** Milliseconds its callback endpoint takes to answer: a slow receiver. */
  callbackDelayMs: number;
  close(): Promise<void>;
}

/**
 * A fake store in a worker thread of its own. A store is another machine: one that shares the
 * pipeline's event loop answers late once that loop is busy (at full tilt every new connection
 * waits a turn of a loop running ~100 ms turns), so callbacks time out and are sent again though
 * the store took them. Its origin then no longer takes the pipeline's CPU either.
 */
export async function startFakeStoreThread(): Promise<ThreadStore> {
  const worker = new Worker(new URL('./fakeStoreThreadMain.ts', import.meta.url));
  const events: ReceivedEvent[] = [];
  const originHits = new Map<string, number>();
  const waiting = new Map<number, () => void>();
  let nextSync = 0;
  let secret = '';
  let callbackDelayMs = 0;
  const send = (m: ToStoreThread): void => worker.postMessage(m);
  const base = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (raw: unknown) => {
      const m = fromStoreThread.parse(raw);
      if (m.kind === 'listening') resolve(m.base);
      else if (m.kind === 'event') events.push(m.event);
      else if (m.kind === 'hit') originHits.set(m.name, (originHits.get(m.name) ?? 0) + 1);
      else {
        waiting.get(m.id)?.();
        waiting.delete(m.id);
      }
    });
  });
  return {
    originUrl: base,
    callbackUrl: `${base}/callbacks`,
    addFile(name, body, contentType = 'audio/mpeg') {
      send({ kind: 'file', name, body, contentType });
      return `${base}/tracks/${encodeURIComponent(name)}`;
    },
    synced() {
      const id = nextSync++;
      return new Promise<void>((resolve) => {
        waiting.set(id, resolve);
        send({ kind: 'sync', id });
      });
    },
    events,
    originHits,
    get secret() {
      return secret;
    },
    set secret(value: string) {
      secret = value;
      send({ kind: 'secret', secret: value });
    },
    get callbackDelayMs() {
      return callbackDelayMs;
    },
    set callbackDelayMs(ms: number) {
      callbackDelayMs = ms;
      send({ kind: 'callbackDelay', ms });
    },
    async close() {
      await worker.terminate();
    },
  };
}
