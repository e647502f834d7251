import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The business metrics trackdrop emits; names are what dashboards and alarms refer to. */
export type MetricName =
  | 'TracksQueued'
  | 'TracksDeclined'
  | 'TracksStored'
  | 'TracksFailed'
  | 'TracksCompleted'
  | 'TracksCancelled'
  | 'TracksThrottled'
  | 'TracksHeld'
  | 'BytesCopied'
  | 'CallbackFailures'
  | 'UsersErased';

export interface Telemetry {
  count(name: MetricName, value?: number): void;
  /** Writes what was counted (CloudWatch EMF on Lambda); call at the end of an invocation. */
  flush(): void;
}

export const noTelemetry: Telemetry = { count: () => {}, flush: () => {} };

/** Powertools Metrics: counted in memory, published once per invocation as one EMF log line. */
export function powertoolsTelemetry(metrics: Metrics): Telemetry {
  return {
    count: (name, value = 1) =>
      metrics.addMetric(name, name === 'BytesCopied' ? MetricUnit.Bytes : MetricUnit.Count, value),
    flush: () => metrics.publishStoredMetrics(),
  };
}
