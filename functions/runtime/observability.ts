import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { noTelemetry, powertoolsTelemetry, type Telemetry } from '../adapters/telemetry.js';
import { type FunctionName, telemetryValues } from './functionEnv.js';

const logLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

function isLogLevel(v: string): v is LogLevel {
  return (logLevels as readonly string[]).includes(v.toUpperCase());
}

/** Structured JSON logs labelled with the service and the function; the level from `POWERTOOLS_LOG_LEVEL`. */
export function loggerFromEnv(env: NodeJS.ProcessEnv, fn: FunctionName): Logger {
  const level = env.POWERTOOLS_LOG_LEVEL;
  return new Logger({
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? telemetryValues.POWERTOOLS_SERVICE_NAME,
    ...(level && isLogLevel(level) ? { logLevel: level } : {}),
    persistentKeys: { function: fn },
  });
}

/** CloudWatch metrics as one EMF line per invocation; none where `POWERTOOLS_METRICS_DISABLED` says so (local runs). */
export function telemetryFromEnv(env: NodeJS.ProcessEnv): Telemetry {
  if (env.POWERTOOLS_METRICS_DISABLED === 'true') return noTelemetry;
  const serviceName = env.POWERTOOLS_SERVICE_NAME ?? telemetryValues.POWERTOOLS_SERVICE_NAME;
  const namespace = env.POWERTOOLS_METRICS_NAMESPACE ?? telemetryValues.POWERTOOLS_METRICS_NAMESPACE;
  return powertoolsTelemetry(new Metrics({ namespace, serviceName }));
}
