import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createDynamoClients } from '../adapters/aws/dynamoClients.js';
import { createSqsClient } from '../adapters/aws/sqsClient.js';
import { readResourceNames } from '../adapters/config.js';
import { powertoolsTelemetry } from '../adapters/telemetry.js';
import type { DepsInput } from '../service/deps.js';
import { settingsFromEnv } from '../settings.js';

export const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'trackdrop';

/** Wraps a client, e.g. to trace its calls; the identity by default. */
export type Instrument = <C extends object>(client: C) => C;

/**
 * What every function builds once per container, at cold start: DynamoDB and SQS clients,
 * structured logs, CloudWatch metrics, and the settings the stack was deployed with. Missing
 * configuration fails here, loudly, rather than on the first request. Every function is traced
 * by Lambda's active tracing; `instrument` adds a subsegment per AWS call (the worker's).
 */
export function lambdaInput(instrument: Instrument = (c) => c): DepsInput {
  const { ddb, dynamodb } = createDynamoClients(process.env);
  const sqs = instrument(createSqsClient(process.env));
  instrument(dynamodb);
  const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Trackdrop', serviceName });
  return {
    ddb,
    sqs,
    names: readResourceNames(process.env),
    settings: settingsFromEnv(process.env),
    logger: new Logger({ serviceName }),
    telemetry: powertoolsTelemetry(metrics),
  };
}
