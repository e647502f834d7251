import type { EventSourcePlan } from '../eventSourcePlan.js';
import type { Integration } from '../httpApi/httpApi.js';
import type { EventSource } from '../queuePoller.js';

/** A queue function's event source, as the plan declares it and as the stack leases it (eventSourceLease.ts). */
export interface QueueSource {
  readonly plan: EventSourcePlan;
  /** The sandbox's short lease (`--lease`) on a receive; none: the queue's own visibility timeout. */
  readonly leaseSeconds?: number | undefined;
  /** Served as SQS serves a fair queue (localTenant.ts), unless false: first come, first served. */
  readonly fair?: boolean | undefined;
}

/**
 * How a function of the plan runs here, the one seam between the local stack's modes: on the
 * stack's own event loop (tests), in a worker thread of its own (the sandbox from sources), or in
 * Node.js containers running the synthesized bundle behind its role's IAM proxy (as deployed).
 * The stack wires what a host gives it to the one HTTP API emulation and the one event source.
 */
export interface FunctionHost<Fn, Http extends Integration = Integration> {
  /** An HTTP function (API Gateway's integration): called once per request. */
  http(fn: Fn): Promise<Http>;
  /** A queue function with its event source, which the stack starts and stops. */
  queue(fn: Fn, source: QueueSource): Promise<EventSource>;
}
