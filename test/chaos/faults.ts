import {
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { FakeStore, OriginFault } from '../../testkit/fakeStore.js';

/**
 * Fault injection for chaos runs and reliability tests.
 *
 * AWS side: throttling. S3 answers `503 SlowDown` and DynamoDB answers
 * `ProvisionedThroughputExceededException` / `ThrottlingException` when a prefix, partition or
 * table gets more requests than it can take. This is a fault NO EMULATOR CAN PRODUCE — fauxqs,
 * dynalite and DynamoDB Local never throttle — which is why it is injected here, as SDK
 * middleware on the stack's own clients. The errors are the SDK's real service exception
 * classes with the names and status codes AWS sends, thrown in the `finalizeRequest` step
 * *inside* the SDK's retry middleware, so the SDK classifies them as throttling and retries
 * them with its own backoff, exactly as it would on AWS. A throttled request never reaches the
 * emulator (as on AWS, where a throttled request is not executed).
 *
 * The SDK retries each request (S3: 3 attempts, DynamoDB: 4 by default in this SDK version),
 * so a rule fires *per attempt*: with probability p a request fails for good with p^attempts,
 * and a rule with p = 1 exhausts the retries every time — the caller then sees the throttling
 * error, as a Lambda does when AWS throttles for longer than the SDK waits.
 *
 * Store side: the fake store's origin faults (HTTP 500, a body cut short, a stall) for a given
 * number of requests, and its callback endpoint down for a while. (A wrong checksum is the
 * store's own doing: its DownloadTrack carries a `sha256` that does not match; see storeSide.ts.)
 */

export type AwsService = 's3' | 'dynamodb';

/** What an injected attempt fails with. `kill` is not throttling: it stands for a process that dies before the request leaves, and the SDK does not retry it. */
export type AwsFaultKind = 'SlowDown' | 'ProvisionedThroughputExceeded' | 'Throttling' | 'kill';

export interface AwsFaultRule {
  readonly service: AwsService;
  readonly kind: AwsFaultKind;
  /** SDK command names this rule hits, e.g. `UpdateItemCommand`, `HeadObjectCommand`; all when absent. */
  readonly commands?: readonly string[];
  /** A test of the command's input (DynamoDB input is already marshalled here). */
  readonly match?: (input: Record<string, unknown>) => boolean;
  /** Chance that one attempt fails (default 1: every attempt). */
  readonly probability?: number;
  /** Fire at most this many times, then retire. */
  readonly times?: number;
}

export interface RuleHandle {
  /** Attempts this rule failed so far. */
  readonly fired: number;
  remove(): void;
}

const injectedErrors = new WeakSet<object>();

/** True for an error this module injected (as the caller finally sees it). */
export function isInjected(err: unknown): boolean {
  return typeof err === 'object' && err !== null && injectedErrors.has(err);
}

export function makeAwsError(kind: AwsFaultKind): Error {
  const $metadata = {
    httpStatusCode: kind === 'SlowDown' ? 503 : 400,
    requestId: `chaos-${Math.random().toString(36).slice(2, 10)}`,
  };
  let err: Error;
  switch (kind) {
    case 'SlowDown':
      err = new S3ServiceException({
        name: 'SlowDown',
        $fault: 'server',
        $metadata,
        message: 'Please reduce your request rate.',
      });
      break;
    case 'ProvisionedThroughputExceeded':
      err = new ProvisionedThroughputExceededException({
        $metadata,
        message:
          'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      });
      break;
    case 'Throttling':
      err = new ThrottlingException({
        $metadata,
        message: 'Throughput exceeds the current capacity for your table or index.',
      });
      break;
    case 'kill':
      err = Object.assign(new Error('chaos: the function was killed before this request left'), { name: 'ChaosKill' });
      break;
  }
  injectedErrors.add(err);
  return err;
}

interface LiveRule {
  readonly rule: AwsFaultRule;
  fired: number;
}

/** Injects AWS faults into a stack's clients; counts what it injected. */
export class AwsFaults {
  private readonly rules = new Set<LiveRule>();
  /** Attempts failed by injection, by kind. */
  readonly injected: Record<AwsFaultKind, number> = {
    SlowDown: 0,
    ProvisionedThroughputExceeded: 0,
    Throttling: 0,
    kill: 0,
  };
  /** Requests whose caller got an injected error: the SDK's retries were exhausted (or not allowed). */
  surfaced = 0;
  /** Commands seen per service since attach (for tests that need to know a request happened). */
  readonly seen = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Adds the middleware to the functions' S3 and DynamoDB clients (a document client shares its DynamoDB client's stack). */
  attach(clients: { readonly s3: readonly S3Client[]; readonly dynamodb: readonly DynamoDBClient[] }): this {
    for (const c of clients.s3) this.attachTo('s3', c.middlewareStack as unknown as MiddlewareStackLike);
    for (const c of clients.dynamodb) this.attachTo('dynamodb', c.middlewareStack as unknown as MiddlewareStackLike);
    return this;
  }

  add(rule: AwsFaultRule): RuleHandle {
    const live: LiveRule = { rule, fired: 0 };
    this.rules.add(live);
    return {
      get fired() {
        return live.fired;
      },
      remove: () => void this.rules.delete(live),
    };
  }

  /** Removes every rule: from now on nothing is injected. */
  clear(): void {
    this.rules.clear();
  }

  get totalInjected(): number {
    return Object.values(this.injected).reduce((a, b) => a + b, 0);
  }

  private pickFault(service: AwsService, command: string, input: Record<string, unknown>): LiveRule | undefined {
    for (const live of this.rules) {
      const { rule } = live;
      if (rule.service !== service) continue;
      if (rule.commands && !rule.commands.includes(command)) continue;
      if (rule.times !== undefined && live.fired >= rule.times) continue;
      if (rule.match && !rule.match(input)) continue;
      if (this.random() >= (rule.probability ?? 1)) continue;
      return live;
    }
    return undefined;
  }

  private attachTo(service: AwsService, stack: MiddlewareStackLike): void {
    // Per attempt: finalizeRequest runs inside the retry middleware (which sits at its top).
    stack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName ?? '');
        this.seen.set(`${service}:${command}`, (this.seen.get(`${service}:${command}`) ?? 0) + 1);
        const live = this.pickFault(service, command, (args.input ?? {}) as Record<string, unknown>);
        if (live) {
          live.fired += 1;
          this.injected[live.rule.kind] += 1;
          throw makeAwsError(live.rule.kind);
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'chaos', priority: 'low', override: true },
    );
    // Per request, outside the retries: what the caller finally sees.
    stack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (err) {
          if (isInjected(err)) this.surfaced += 1;
          throw err;
        }
      },
      { step: 'initialize', name: 'chaosSurfaced', priority: 'high', override: true },
    );
  }
}

// The slice of the SDK's MiddlewareStack used here, typed loosely so one function serves both clients.
type Handler = (args: { input?: unknown; request?: unknown }) => Promise<unknown>;
interface MiddlewareStackLike {
  add(
    mw: (next: Handler, context: { commandName?: string }) => Handler,
    opts: {
      step: 'initialize' | 'finalizeRequest';
      name: string;
      priority?: 'high' | 'normal' | 'low';
      override?: boolean;
    },
  ): void;
}

/**
 * Matches TracksRepo's UpdateItem that moves a track to `state` (its SET names the `state`
 * attribute through an alias other than the condition's `#state`).
 */
export function isTransitionTo(state: string): (input: Record<string, unknown>) => boolean {
  return (input) => {
    const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    return Object.entries(names).some(([alias, name]) => {
      if (name !== 'state' || alias === '#state') return false;
      const v = values[`:${alias.slice(1)}`];
      const s = typeof v === 'object' && v !== null && 'S' in v ? (v as { S: unknown }).S : v;
      return s === state;
    });
  };
}

export type OriginFaultKind = Exclude<OriginFault, 'none'>;

/**
 * Origin faults that clear after a number of requests: the file answers with `kind` for its
 * first `hits` requests, then normally. A watcher clears each fault once its hits are used.
 */
export class OriginFaults {
  private readonly pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  /** Faults set, by kind. */
  readonly injected: Record<OriginFaultKind, number> = { status500: 0, truncate: 0, stall: 0, drip: 0, gzip: 0 };

  constructor(private readonly store: FakeStore) {
    this.timer = setInterval(() => this.sweep(), 20);
    this.timer.unref();
  }

  set(name: string, kind: OriginFaultKind, hits: number): void {
    this.store.originFaults.set(name, kind);
    this.pending.set(name, (this.store.originHits.get(name) ?? 0) + hits);
    this.injected[kind] += 1;
  }

  private sweep(): void {
    for (const [name, until] of this.pending) {
      if ((this.store.originHits.get(name) ?? 0) >= until) {
        this.store.originFaults.delete(name);
        this.pending.delete(name);
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The store's callback endpoint answers `status` (503: down) for `seconds`, then 200 again. */
export function storeOutage(
  store: FakeStore,
  seconds: number,
  status = 503,
): { readonly done: Promise<void>; cancel(): void } {
  store.callbackStatus = status;
  let timer: NodeJS.Timeout | undefined;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const end = () => {
    clearTimeout(timer);
    store.callbackStatus = 200;
    resolve();
  };
  timer = setTimeout(end, seconds * 1000);
  return { done, cancel: end };
}

/**
 * Matches the tag reader's ranged GETs after the first one (the first, `bytes=0-…`, also gives
 * size and type; later ones read on, e.g. the ID3v1 tail).
 */
export function laterRangedRead(input: Record<string, unknown>): boolean {
  return typeof input.Range === 'string' && !input.Range.startsWith('bytes=0-');
}
