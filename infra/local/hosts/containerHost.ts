import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { FunctionError, type FunctionRunner } from '../asDeployed/functionRunner.js';
import type { IamProxy } from '../asDeployed/iam/iamProxy.js';
import { localCredentials, localRegion } from '../emulators.js';
import { pollerConsumer } from '../eventSourcePlan.js';
import { queueFairness } from '../localTenant.js';
import { QueuePoller } from '../queuePoller.js';
import type { FunctionHost } from './functionHost.js';

/** A function of the template as it runs here: its containers, and the IAM proxy its role's requests go through. */
export interface DeployedFunction {
  readonly logicalId: string;
  readonly runner: FunctionRunner;
  readonly proxy: IamProxy;
}

export interface ContainerHostOptions {
  /** Every line the functions log (their CloudWatch Logs). */
  readonly onLog?: ((fn: string, line: string) => void) | undefined;
}

/**
 * The template's functions in Node.js containers running the synthesized bundles (FunctionRunner),
 * each AWS request checked against its role. An event source polls with the function's role, as
 * Lambda's does, and says in the function's log what a failed invocation's batch does next.
 */
export function containerHost(o: ContainerHostOptions = {}): FunctionHost<DeployedFunction> {
  return {
    async http(fn) {
      return (event) => fn.runner.invoke(event);
    },
    async queue(fn, source) {
      const queueName = source.plan.queueUrl.split('/').pop() ?? source.plan.queueUrl;
      const sqs = new SQSClient({
        region: localRegion,
        credentials: localCredentials,
        endpoint: fn.proxy.endpoint,
        useQueueUrlAsEndpoint: false,
      });
      return new QueuePoller({
        sqs,
        queueUrl: source.plan.queueUrl,
        region: localRegion,
        consumer: pollerConsumer(source.plan),
        reportBatchItemFailures: source.plan.reportBatchItemFailures,
        leaseSeconds: source.leaseSeconds,
        ...queueFairness(source.fair),
        onBatchFailed: (records, err) =>
          o.onLog?.(
            fn.runner.spec.name,
            `${err instanceof FunctionError ? `${err.requestId ?? ''} ${err.errorType}` : String(err)}: the batch of ${records} record(s) returns to ${queueName} after its visibility timeout`,
          ),
        handler: async (event) => (await fn.runner.invoke(event)) as SQSBatchResponse | undefined,
      });
    },
  };
}
