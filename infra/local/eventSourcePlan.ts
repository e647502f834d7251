import type { QueueConsumerSettings, TrackdropSettings } from '../../functions/settings.js';
import {
  type CfnTemplate,
  type LocalValue,
  type Pseudo,
  props,
  resolveString,
  resourcesOfType,
  TemplateError,
} from './asDeployed/template.js';

/**
 * One SQS event source as both modes run it, whichever side it was read from: the settings the
 * CDK app builds its event sources from, or the template's `AWS::Lambda::EventSourceMapping`s.
 * QueuePoller serves it.
 */
export interface EventSourcePlan {
  /** The source tree's queue key, or the mapping's logical id. */
  readonly id: string;
  /** The function it invokes: `worker`/`completion` from the sources, a logical id from the template. */
  readonly functionId: string;
  readonly queueUrl: string;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly maxConcurrency: number;
  readonly reportBatchItemFailures: boolean;
}

/** The event sources the CDK app declares (FunctionsConstruct), read from the settings. */
export function sourceEventSources(
  settings: TrackdropSettings,
  queueUrls: {
    readonly downloads: string;
    readonly completions: string;
    readonly slowCallbacks: string;
    readonly erasures: string;
  },
): {
  readonly downloads: EventSourcePlan;
  readonly completions: EventSourcePlan;
  readonly slowCallbacks: EventSourcePlan;
  readonly erasures: EventSourcePlan;
} {
  const plan = (id: string, functionId: string, queueUrl: string, c: QueueConsumerSettings): EventSourcePlan => ({
    id,
    functionId,
    queueUrl,
    batchSize: c.batchSize,
    batchingWindowSeconds: c.batchingWindowSeconds,
    maxConcurrency: c.maxConcurrency,
    reportBatchItemFailures: true,
  });
  return {
    downloads: plan('downloads', 'worker', queueUrls.downloads, settings.downloads),
    completions: plan('completions', 'completion', queueUrls.completions, settings.completions),
    slowCallbacks: plan('slowCallbacks', 'completion', queueUrls.slowCallbacks, settings.slowCallbacks),
    erasures: plan('erasures', 'worker', queueUrls.erasures, settings.erasures),
  };
}

/** The template's enabled `AWS::Lambda::EventSourceMapping`s on SQS queues, with their settings. */
export function templateEventSources(
  template: CfnTemplate,
  locals: ReadonlyMap<string, LocalValue>,
  pseudo: Pseudo,
): EventSourcePlan[] {
  return resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').flatMap(([id, r]): EventSourcePlan[] => {
    const p = props(r);
    if (p.Enabled === false) return [];
    const functionId = (p.FunctionName as { Ref?: string } | undefined)?.Ref;
    if (!functionId) throw new TemplateError(`${id}: FunctionName must Ref a function of the template`);
    const sourceArn = resolveString(p.EventSourceArn, locals, pseudo);
    const queue = [...locals.values()].find((l) => l.attrs.Arn === sourceArn && l.attrs.QueueUrl);
    if (!queue) throw new TemplateError(`${id}: event source ${sourceArn} is not a queue of the template`);
    const scaling = p.ScalingConfig as { MaximumConcurrency?: number } | undefined;
    return [
      {
        id,
        functionId,
        queueUrl: queue.ref,
        batchSize: Number(p.BatchSize ?? 10),
        batchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
        // Without ScalingConfig, Lambda scales to the account's concurrency.
        maxConcurrency: Number(scaling?.MaximumConcurrency ?? 1000),
        reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes(
          'ReportBatchItemFailures',
        ),
      },
    ];
  });
}

/** What QueuePoller is given of a plan (the redrive settings are the queue's, not the poller's). */
export function pollerConsumer(plan: EventSourcePlan): QueueConsumerSettings {
  return {
    batchSize: plan.batchSize,
    batchingWindowSeconds: plan.batchingWindowSeconds,
    maxConcurrency: plan.maxConcurrency,
    maxReceiveCount: 0,
    dlqRetentionDays: 0,
  };
}
