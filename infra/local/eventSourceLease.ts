/**
 * How the local event source leases each queue's messages, in both modes. Receiving with a short
 * visibility timeout (the sandbox's `--lease`) and extending it while the function runs means a
 * sandbox killed mid-batch gets its messages back within the lease, not after the queue's own
 * timeout (six times the function's). The completion function sets its messages' visibility
 * itself (its callback backoff), which a heartbeat would overwrite, so its lease is not extended.
 */
export const eventSourceLease = {
  downloads: { extendLease: true },
  completions: { extendLease: false },
} as const satisfies Record<string, { readonly extendLease: boolean }>;

export type LeasedQueue = keyof typeof eventSourceLease;
