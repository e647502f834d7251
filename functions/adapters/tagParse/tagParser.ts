import { Worker } from 'node:worker_threads';
import type { FromParser, ParsedMetadata, ToParser } from './parseMessages.js';

/** A parse that did not end by its deadline: the file, not the attempt, is at fault. */
export class TagParseTimeout extends Error {
  override readonly name = 'TagParseTimeout';
}

/** Reads [from, to] of the object being parsed (S3 ranged GETs, with their budget). */
export type RangeRead = (from: number, to: number) => Promise<{ bytes: Uint8Array; size: number }>;

export interface TagParserOptions {
  /** How long one parse may run once a thread has it. */
  readonly deadlineMs: number;
  /** Parses at once, each in a thread of its own; more wait for a thread. */
  readonly threads?: number;
  /** The thread's entry module (tests give one that loops); by default parserThreadMain. */
  readonly threadMain?: URL;
}

/**
 * The thread's entry: the TypeScript source beside this file when run from the sources, the
 * `tagParserThread.mjs` the bundler writes beside the function's bundle when deployed.
 */
export function defaultThreadMain(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./parserThreadMain.ts', import.meta.url)
    : new URL('./tagParserThread.mjs', import.meta.url);
}

interface Job {
  readonly start: (id: number) => ToParser;
  readonly read?: RangeRead | undefined;
  readonly resolve: (meta: ParsedMetadata) => void;
  readonly reject: (err: Error) => void;
}

/** A parse in its thread, and its clock: the milliseconds it has left, running while the thread works. */
interface Running {
  readonly id: number;
  readonly job: Job;
  leftMs: number;
  since: number;
  timer?: NodeJS.Timeout | undefined;
}

/** One thread and the parse it runs. */
interface Slot {
  readonly worker: Worker;
  job?: Running | undefined;
}

/**
 * Tag parsing with a deadline. music-metadata runs in worker threads, one parse to a thread, so
 * a file that sends the parser into a synchronous loop (it has had such advisories) blocks only
 * its own thread: at the deadline that thread is ended and the parse fails with
 * TagParseTimeout, while the tracks beside it go on. Threads are kept for the next parse and do
 * not keep a process alive.
 */
export class TagParser {
  private readonly idle: Slot[] = [];
  private readonly busy = new Set<Slot>();
  /** Threads still loading their parser: a parse's clock starts only once its thread is ready. */
  private readonly starting = new Set<Slot>();
  private readonly waiting: Job[] = [];
  private nextId = 0;
  private closed = false;

  constructor(private readonly opts: TagParserOptions) {}

  /** Parses bytes already in memory; by default the bytes say what they are, else `mimeType` does. */
  parseBuffer(bytes: Uint8Array, skipCovers: boolean, mimeType?: string): Promise<ParsedMetadata> {
    return this.run((id) => ({ kind: 'buffer', id, bytes, skipCovers, mimeType }));
  }

  /** Parses an object of `size` bytes, reading the ranges the parser asks for through `read`. */
  parseRanged(size: number, read: RangeRead, skipCovers: boolean): Promise<ParsedMetadata> {
    return this.run((id) => ({ kind: 'ranged', id, size, skipCovers }), read);
  }

  /** Ends every thread; parses still running fail. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle, ...this.busy, ...this.starting];
    this.idle.length = 0;
    for (const job of this.waiting.splice(0)) job.reject(new Error('the tag parser was closed'));
    await Promise.all(all.map((s) => this.end(s, new Error('the tag parser was closed'))));
  }

  private run(start: Job['start'], read?: RangeRead): Promise<ParsedMetadata> {
    if (this.closed) return Promise.reject(new Error('the tag parser was closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ start, read, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    const threads = this.opts.threads ?? 4;
    while (this.waiting.length > 0) {
      const slot = this.idle.pop();
      if (!slot) {
        // A thread for each waiting parse, up to the bound; each takes one when it is ready.
        const room = threads - this.busy.size - this.starting.size;
        for (let i = 0; i < Math.min(room, this.waiting.length - this.starting.size); i++) this.spawn();
        return;
      }
      const job = this.waiting.shift();
      if (!job) {
        this.idle.push(slot);
        return;
      }
      // A thread holds the process while it starts or parses, never while it waits idle.
      slot.worker.ref();
      const id = this.nextId++;
      slot.job = { id, job, leftMs: this.opts.deadlineMs, since: Date.now() };
      this.busy.add(slot);
      this.startClock(slot);
      slot.worker.postMessage(job.start(id));
    }
  }

  private spawn(): void {
    const worker = new Worker(this.opts.threadMain ?? defaultThreadMain(), {
      // A picture or block that claims gigabytes fails its own parse, not the function.
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    const slot: Slot = { worker };
    this.starting.add(slot);
    worker.on('message', (message: FromParser) => this.onMessage(slot, message));
    worker.on('error', (err) => void this.end(slot, err));
    worker.on('exit', () => void this.end(slot, new Error('the tag parser thread exited')));
  }

  private onMessage(slot: Slot, message: FromParser): void {
    if (message.kind === 'ready') {
      this.starting.delete(slot);
      this.makeIdle(slot);
      this.dispatch();
      return;
    }
    const current = slot.job;
    if (!current || current.id !== message.id) return;
    if (message.kind === 'read') {
      const read = current.job.read;
      // Waiting for S3 is not parsing: the clock stops until the bytes are handed over.
      this.stopClock(current);
      const answer = (m: ToParser) => {
        if (slot.job !== current) return;
        this.startClock(slot);
        slot.worker.postMessage(m);
      };
      if (!read) {
        answer({ kind: 'range', id: message.id, read: message.read, error: { name: 'Error', message: 'no reads' } });
        return;
      }
      read(message.from, message.to).then(
        ({ bytes, size }) => answer({ kind: 'range', id: message.id, read: message.read, bytes, size }),
        (err: unknown) =>
          answer({
            kind: 'range',
            id: message.id,
            read: message.read,
            error: {
              name: err instanceof Error ? err.name : 'Error',
              message: err instanceof Error ? err.message : String(err),
            },
          }),
      );
      return;
    }
    this.finish(slot);
    this.makeIdle(slot);
    if (message.kind === 'parsed') current.job.resolve(message.meta);
    else current.job.reject(Object.assign(new Error(message.message), { name: message.name }));
    this.dispatch();
  }

  private makeIdle(slot: Slot): void {
    slot.worker.unref();
    this.idle.push(slot);
  }

  private startClock(slot: Slot): void {
    const current = slot.job;
    if (!current) return;
    current.since = Date.now();
    current.timer = setTimeout(() => {
      void this.end(slot, new TagParseTimeout(`the tags were not read within ${this.opts.deadlineMs} ms of parsing`));
    }, current.leftMs);
  }

  private stopClock(current: Running): void {
    clearTimeout(current.timer);
    current.timer = undefined;
    current.leftMs = Math.max(0, current.leftMs - (Date.now() - current.since));
  }

  /** Clears the slot's job and timer; answers the job it had. */
  private finish(slot: Slot): Slot['job'] {
    const current = slot.job;
    if (current) clearTimeout(current.timer);
    slot.job = undefined;
    this.busy.delete(slot);
    return current;
  }

  /** Ends a thread for good (a deadline passed, it died, or the parser closes); its parse fails with `err`. */
  private async end(slot: Slot, err: Error): Promise<void> {
    const current = this.finish(slot);
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    this.starting.delete(slot);
    current?.job.reject(err);
    if (!this.closed) this.dispatch();
    await slot.worker.terminate();
  }
}
