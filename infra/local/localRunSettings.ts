import type { TrackdropSettings } from '../../functions/settings.js';
import { leasedSettings } from './eventSourceLease.js';

/** What a local run may shorten of the settings it gives its functions, in both modes. */
export interface LocalRunOverrides {
  /** The sandbox's `--lease`: see eventSourceLease.ts. */
  readonly leaseSeconds?: number | undefined;
  /**
   * The sandbox's `--erasure-settle` (and tests): how long an erasure waits, before it deletes,
   * for invocations that may have checked the user before it began. Undefined keeps the
   * deployed figure (the longest function timeout and 30 s).
   */
  readonly erasureSettleSeconds?: number | undefined;
}

/** The settings a local run gives its functions: source mode applies this to its settings, as deployed to the template's. */
export function localRunSettings(settings: TrackdropSettings, o: LocalRunOverrides): TrackdropSettings {
  const leased = leasedSettings(settings, o.leaseSeconds);
  if (o.erasureSettleSeconds === undefined) return leased;
  return { ...leased, erasure: { ...leased.erasure, settleSeconds: o.erasureSettleSeconds } };
}

/** Whether a run overrides anything: without, the template stays as synthesized. */
export const overridesAny = (o: LocalRunOverrides): boolean =>
  o.leaseSeconds !== undefined || o.erasureSettleSeconds !== undefined;
