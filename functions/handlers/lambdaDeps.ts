import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { createClients } from '../adapters/clients.js';
import { readResourceNames } from '../adapters/config.js';
import { powertoolsTelemetry } from '../adapters/telemetry.js';
import { buildDeps, type Deps } from '../service/deps.js';
import { settingsFromEnv } from '../settings.js';

/**
 * What a Lambda container builds once, at cold start: clients traced by X-Ray, structured logs,
 * CloudWatch metrics, and the settings the stack was deployed with. Missing configuration
 * fails here, loudly, rather than on the first request.
 */
export function lambdaDeps(): Deps {
  const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'trackdrop';
  const tracer = new Tracer({ serviceName });
  const clients = createClients(process.env);
  tracer.captureAWSv3Client(clients.dynamodb);
  tracer.captureAWSv3Client(clients.sqs);
  tracer.captureAWSv3Client(clients.s3);
  const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Trackdrop', serviceName });
  return buildDeps(clients, readResourceNames(process.env), settingsFromEnv(process.env), new Logger({ serviceName }), powertoolsTelemetry(metrics));
}
