import type { TrackdropSettings } from '../../functions/settings.js';

/**
 * The settings a local run gives its functions for a shorter erasure settle (the sandbox's
 * `--erasure-settle`, tests): how long an erasure waits, before it deletes, for invocations
 * that may have checked the user before it began. Both modes apply it to the settings they run;
 * undefined keeps the deployed figure (the longest function timeout and 30 s).
 */
export function settledSettings(settings: TrackdropSettings, settleSeconds: number | undefined): TrackdropSettings {
  if (settleSeconds === undefined) return settings;
  return { ...settings, erasure: { ...settings.erasure, settleSeconds } };
}
