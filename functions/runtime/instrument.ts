/** Wraps an SDK client once it is built: X-Ray subsegments on Lambda, request counts in the benchmark. */
export type Instrument = <C extends object>(client: C) => C;

export const noInstrument: Instrument = (client) => client;

export interface BuildOptions {
  /** Applied to every AWS client the builder makes (after the function's own instrumentation). */
  readonly instrument?: Instrument;
}
