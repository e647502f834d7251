import type { TrackdropSettings } from '../../../functions/settings.js';

/** The source tree's functions (FunctionsConstruct declares the same four). */
export type SourceFunction = 'api' | 'listener' | 'worker' | 'completion';

/** A source function's name, as its log lines and Lambda context give it. */
export const functionName = (fn: SourceFunction): string => `trackdrop-${fn}`;

/** Its memory and timeout, from the settings the CDK app builds it with. */
export const functionSettings = (settings: TrackdropSettings, fn: SourceFunction) => settings.functions[fn];
