import type { MessagePort } from 'node:worker_threads';
import { type IRangeRequestClient, type IRangeRequestResponse, tokenizer } from '@tokenizer/range';
import { parseBuffer, parseFromTokenizer } from 'music-metadata';
import type { FromParser, ParsedMetadata, ToParser } from './parseMessages.js';

/**
 * The tag-parser thread's work: music-metadata runs here, away from the function's event loop,
 * so a file that sends it into a loop can be stopped (the thread ended) at a deadline. It reads
 * no bytes itself: ranges are asked of the function, which holds the S3 client and its budget.
 */
const CHUNK = 64 * 1024;
type ParseRequest = Extract<ToParser, { kind: 'buffer' | 'ranged' }>;
type RangeAnswer = Extract<ToParser, { kind: 'range' }>;

/** Ranges for the tokenizer, each asked of the function (`ask`) and answered through `reads`. */
class AskedRanges implements IRangeRequestClient {
  private nextRead = 0;

  constructor(
    private readonly size: number,
    private readonly ask: (read: number, from: number, to: number) => void,
    private readonly reads: Map<number, (answer: RangeAnswer) => void>,
  ) {}

  getResponse(_method: string, range?: [number, number]): Promise<IRangeRequestResponse> {
    const [from, to] = range ?? [0, this.size - 1];
    const read = this.nextRead++;
    return new Promise((resolve, reject) => {
      this.reads.set(read, (answer) => {
        if (answer.error) {
          const err = new Error(answer.error.message);
          err.name = answer.error.name;
          reject(err);
          return;
        }
        const bytes = answer.bytes ?? new Uint8Array();
        const size = answer.size ?? this.size;
        resolve({
          size,
          mimeType: undefined,
          acceptPartialRequests: true,
          contentRange: { firstBytePosition: from, lastBytePosition: from + bytes.length - 1, instanceLength: size },
          arrayBuffer: async () => bytes,
        });
      });
      this.ask(read, from, to);
    });
  }

  abort(): void {}
}

/** What the thread does with one request; a test's thread may do otherwise first (see serveParser). */
export type ParseStep = (message: ParseRequest) => void;

/**
 * Answers the function's parse requests on `port`, one by one as they come. `before` runs ahead
 * of each parse (tests make it loop, as a crafted file makes the parser loop).
 */
export function serveParser(port: MessagePort, before?: ParseStep): void {
  const post = (message: FromParser) => port.postMessage(message);
  const reads = new Map<number, (answer: RangeAnswer) => void>();
  post({ kind: 'ready' });
  port.on('message', (message: ToParser) => {
    if (message.kind === 'range') {
      const answer = reads.get(message.read);
      reads.delete(message.read);
      answer?.(message);
      return;
    }
    before?.(message);
    const ask = (read: number, from: number, to: number) => post({ kind: 'read', id: message.id, read, from, to });
    parse(message, ask, reads).then(
      (meta) => post({ kind: 'parsed', id: message.id, meta: { common: meta.common, format: meta.format } }),
      (err: unknown) =>
        post({
          kind: 'failed',
          id: message.id,
          name: err instanceof Error ? err.name : 'Error',
          message: err instanceof Error ? err.message : String(err),
        }),
    );
  });
}

async function parse(
  message: ParseRequest,
  ask: (read: number, from: number, to: number) => void,
  reads: Map<number, (answer: RangeAnswer) => void>,
): Promise<ParsedMetadata> {
  const options = { duration: false, skipCovers: message.skipCovers };
  if (message.kind === 'buffer') {
    return parseBuffer(message.bytes, { size: message.bytes.length, mimeType: message.mimeType }, options);
  }
  const tok = await tokenizer(new AskedRanges(message.size, ask, reads), {
    avoidHeadRequests: true,
    initialChunkSize: CHUNK,
    minimumChunkSize: CHUNK,
  });
  try {
    return await parseFromTokenizer(tok, options);
  } finally {
    await tok.close();
  }
}
