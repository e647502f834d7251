import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { createDynamoClients } from '../adapters/aws/dynamoClients.js';
import { createSqsClient } from '../adapters/aws/sqsClient.js';
import { readResourceNames } from '../adapters/config.js';
import { powertoolsTelemetry } from '../adapters/telemetry.js';
import type { DepsInput } from '../service/deps.js';
import { settingsFromEnv } from '../settings.js';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'trackdrop';

/** Traces a client's calls in X-Ray; returns it for chaining. */
export const tracer = new Tracer({ serviceName });

/**
 * What every function builds once per container, at cold start: DynamoDB and SQS clients traced
 * by X-Ray, structured logs, CloudWatch metrics, and the settings the stack was deployed with.
 * Missing configuration fails here, loudly, rather than on the first request.
 */
export function lambdaInput(): DepsInput {
  const { ddb, dynamodb } = createDynamoClients(process.env);
  const sqs = createSqsClient(process.env);
  tracer.captureAWSv3Client(dynamodb);
  tracer.captureAWSv3Client(sqs);
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
