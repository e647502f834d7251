import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';

/** The api as Lambda calls it (HTTP API, payload 2.0); the context is optional so a local run may omit it. */
export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A queue consumer as Lambda's SQS event source calls it, answering which records to retry. */
export type QueueHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;
