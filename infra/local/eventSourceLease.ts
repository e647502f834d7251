import type { TrackdropSettings } from '../../functions/settings.js';

/**
 * How the local event source leases each queue's messages, in both modes. It receives with a
 * short visibility timeout (the sandbox's `--lease`), so a sandbox killed between a receive and
 * the function's start gets its messages back within the lease, not after the queue's own
 * timeout (six times the function's). It never extends that lease: each function sets its
 * messages' visibility itself, as it does on Lambda (the worker's renewed lease, batchLease.ts;
 * the completion function's callback backoff), and a heartbeat here would overwrite it.
 */
export type LeasedQueue = 'downloads' | 'completions' | 'slowCallbacks' | 'erasures';

/**
 * The settings a local run gives its functions for a short lease (the sandbox's `--lease`): the
 * worker's own hold on its batch (settings.downloadLease) is that long too, so what a killed
 * sandbox or container held comes back that soon. The synthesized template keeps the deployed
 * figure; both modes apply this to the settings they run, and say so where they start.
 */
export function leasedSettings(settings: TrackdropSettings, leaseSeconds: number | undefined): TrackdropSettings {
  if (leaseSeconds === undefined) return settings;
  return { ...settings, downloadLease: { ...settings.downloadLease, leaseSeconds } };
}
