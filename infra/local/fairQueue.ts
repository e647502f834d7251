/**
 * Amazon SQS fair queues, as the SQS Developer Guide documents them ("How Amazon SQS fair queues
 * work"), for the local event source: the emulator's standard queue hands out messages in the
 * order they came, so the event source reads ahead into this backlog and chooses from it the way
 * SQS chooses on AWS.
 * - A tenant is its messages' MessageGroupId; a message without one is a tenant of its own.
 * - A tenant is noisy while it holds more than 10 % of the messages in flight and at least 30 of
 *   its own, or more than 10 % of the recent processing time.
 * - Quiet tenants' messages go first, whenever there are any; among noisy tenants, the one with
 *   the fewest messages in flight. Within a tenant, in the order they came.
 * - Once noisy, a tenant stays so until its backlog is drained or it has sent nothing for five
 *   minutes. Noisy messages are never dropped or held back when nothing quiet is waiting.
 * Where this can differ from AWS: SQS's thresholds are approximate and its "recent" time is not
 * documented (here, the last minute); the backlog holds at most what the event source reads ahead.
 */
export interface FairQueueRules {
  /** Share of all messages in flight above which a tenant is noisy… */
  readonly concurrencyShare: number;
  /** …when it also has at least this many of its own in flight. */
  readonly minInFlight: number;
  /** Share of the recent processing time above which a tenant is noisy. */
  readonly timeShare: number;
  /** What "recent" processing time covers. */
  readonly timeWindowMs: number;
  /** A noisy tenant that sent nothing for this long is quiet again. */
  readonly quietAfterMs: number;
}

export const sqsFairQueueRules: FairQueueRules = {
  concurrencyShare: 0.1,
  minInFlight: 30,
  timeShare: 0.1,
  timeWindowMs: 60_000,
  quietAfterMs: 5 * 60_000,
};

/** A message in the backlog or in flight, with its tenant and when it came. */
export interface Held<M> {
  readonly message: M;
  readonly tenant: string;
  readonly seq: number;
  readonly arrivedAt: number;
}

interface Tenant<M> {
  readonly waiting: Held<M>[];
  head: number;
  inFlight: number;
  /** Sum of the start times of its messages in flight, for their elapsed time. */
  startedSum: number;
  lastArrival: number;
  flagged: boolean;
}

interface Finished {
  readonly tenant: string;
  readonly at: number;
  readonly ms: number;
}

export class FairBacklog<M> {
  private seq = 0;
  private waitingCount = 0;
  private inFlightCount = 0;
  private readonly tenants = new Map<string, Tenant<M>>();
  private readonly started = new Map<Held<M>, number>();
  private finished: Finished[] = [];

  constructor(private readonly rules: FairQueueRules = sqsFairQueueRules) {}

  /** Messages waiting to be handed out. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Messages handed out and not yet finished. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** A received message joins the backlog; `tenant` undefined makes it a tenant of its own. */
  add(message: M, tenant: string | undefined, now: number): Held<M> {
    const seq = this.seq++;
    const held: Held<M> = { message, tenant: tenant ?? `\u0000${seq}`, seq, arrivedAt: now };
    const t = this.tenant(held.tenant);
    t.waiting.push(held);
    t.lastArrival = now;
    this.waitingCount += 1;
    return held;
  }

  /** Up to `max` messages, by the fair queue's order; they are in flight until `finish`. */
  take(max: number, now: number): Held<M>[] {
    const noisy = this.noisy(now);
    const out: Held<M>[] = [];
    while (out.length < max && this.waitingCount > 0) {
      const t = this.next(noisy);
      if (!t) break;
      const held = t.waiting[t.head];
      if (!held) break;
      t.head += 1;
      this.compact(t);
      this.waitingCount -= 1;
      t.inFlight += 1;
      t.startedSum += now;
      this.inFlightCount += 1;
      this.started.set(held, now);
      out.push(held);
    }
    return out;
  }

  /** Messages handled (deleted, or back to the queue): their processing time counts for their tenant. */
  finish(done: readonly Held<M>[], now: number): void {
    for (const held of done) {
      const start = this.started.get(held);
      if (start === undefined) continue;
      this.started.delete(held);
      const t = this.tenant(held.tenant);
      t.inFlight -= 1;
      t.startedSum -= start;
      this.inFlightCount -= 1;
      this.finished.push({ tenant: held.tenant, at: now, ms: now - start });
      this.forgetIfEmpty(held.tenant, t);
    }
  }

  /** Takes waiting messages out without handing them to anyone (their lease was lost, or the source stops). */
  remove(which: (held: Held<M>) => boolean): Held<M>[] {
    const removed: Held<M>[] = [];
    for (const [name, t] of this.tenants) {
      const kept: Held<M>[] = [];
      for (const held of t.waiting.slice(t.head)) (which(held) ? removed : kept).push(held);
      t.waiting.splice(0, t.waiting.length, ...kept);
      t.head = 0;
      this.forgetIfEmpty(name, t);
    }
    this.waitingCount -= removed.length;
    return removed;
  }

  /** Every waiting message, oldest first within each tenant. */
  *held(): IterableIterator<Held<M>> {
    for (const t of this.tenants.values()) yield* t.waiting.slice(t.head);
  }

  /** The tenants noisy now, by the documented rules (and the flag they keep until they are quiet again). */
  noisy(now: number): ReadonlySet<string> {
    const time = this.recentTime(now);
    const total = [...time.values()].reduce((a, b) => a + b, 0);
    const out = new Set<string>();
    for (const [name, t] of this.tenants) {
      const byConcurrency =
        t.inFlight >= this.rules.minInFlight && t.inFlight > this.rules.concurrencyShare * this.inFlightCount;
      const byTime = total > 0 && (time.get(name) ?? 0) > this.rules.timeShare * total;
      const backlogged = t.waiting.length > t.head;
      if (byConcurrency || byTime) t.flagged = true;
      else if (t.flagged && (!backlogged || now - t.lastArrival >= this.rules.quietAfterMs)) t.flagged = false;
      if (t.flagged) out.add(name);
      else this.forgetIfEmpty(name, t);
    }
    return out;
  }

  /** The tenant whose message goes next: the quiet one that has waited longest, else the noisy one with fewest in flight. */
  private next(noisy: ReadonlySet<string>): Tenant<M> | undefined {
    let quiet: { t: Tenant<M>; seq: number } | undefined;
    let loud: { t: Tenant<M>; seq: number } | undefined;
    for (const [name, t] of this.tenants) {
      const head = t.waiting[t.head];
      if (!head) continue;
      if (!noisy.has(name)) {
        if (!quiet || head.seq < quiet.seq) quiet = { t, seq: head.seq };
      } else if (!loud || t.inFlight < loud.t.inFlight || (t.inFlight === loud.t.inFlight && head.seq < loud.seq)) {
        loud = { t, seq: head.seq };
      }
    }
    return (quiet ?? loud)?.t;
  }

  /** Each tenant's processing time in the window: what finished within it, and the elapsed time of what is in flight. */
  private recentTime(now: number): Map<string, number> {
    const from = now - this.rules.timeWindowMs;
    this.finished = this.finished.filter((f) => f.at > from);
    const time = new Map<string, number>();
    for (const f of this.finished) time.set(f.tenant, (time.get(f.tenant) ?? 0) + Math.min(f.ms, f.at - from));
    for (const [name, t] of this.tenants) {
      if (t.inFlight === 0) continue;
      const elapsed = t.inFlight * now - t.startedSum;
      time.set(name, (time.get(name) ?? 0) + Math.min(elapsed, t.inFlight * this.rules.timeWindowMs));
    }
    return time;
  }

  private tenant(name: string): Tenant<M> {
    let t = this.tenants.get(name);
    if (!t) {
      t = { waiting: [], head: 0, inFlight: 0, startedSum: 0, lastArrival: 0, flagged: false };
      this.tenants.set(name, t);
    }
    return t;
  }

  /** Drops the consumed front of a tenant's list now and then, so it does not grow without end. */
  private compact(t: Tenant<M>): void {
    if (t.head > 1024 && t.head * 2 > t.waiting.length) {
      t.waiting.splice(0, t.head);
      t.head = 0;
    }
  }

  /** A tenant with nothing waiting, nothing in flight and no flag is forgotten (its recent time stays in `finished`). */
  private forgetIfEmpty(name: string, t: Tenant<M>): void {
    if (t.waiting.length === t.head && t.inFlight === 0 && !t.flagged) this.tenants.delete(name);
  }
}
