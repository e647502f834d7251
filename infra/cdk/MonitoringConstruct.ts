import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { TrackdropSettings } from '../../functions/settings.js';
import type { ApiConstruct } from './ApiConstruct.js';
import type { FunctionsConstruct } from './FunctionsConstruct.js';
import type { QueuesConstruct } from './QueuesConstruct.js';
import type { TrackdropFunction } from './TrackdropFunction.js';

export interface MonitoringConstructProps {
  readonly settings: TrackdropSettings;
  readonly api: ApiConstruct;
  readonly queues: QueuesConstruct;
  readonly functions: FunctionsConstruct;
}

interface Watched<T> {
  readonly name: string;
  readonly resource: T;
}

const period = Duration.minutes(5);
const queueAlarmPeriod = Duration.minutes(1);

/**
 * Alarms on what means "a track is stuck or lost" (DLQ depth, old messages, function errors)
 * and one dashboard with those plus throughput. Alarms carry no actions: wire them to the
 * operator's paging topic where the stack is deployed (`alarms` is public for that).
 */
export class MonitoringConstruct extends Construct {
  public readonly alarms: Alarm[] = [];
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, { settings, api, queues, functions }: MonitoringConstructProps) {
    super(scope, id);
    // A track normally lands within seconds, so a quarter of an hour means the worker is not
    // keeping up; completions may sit through several callback backoffs while a store is down.
    const mainQueues: (Watched<Queue> & { readonly maxAge: Duration })[] = [
      { name: 'downloads', resource: queues.downloads, maxAge: Duration.minutes(15) },
      {
        name: 'completions',
        resource: queues.completions,
        maxAge: Duration.seconds(settings.callbacks.maxBackoffSeconds * 4),
      },
    ];
    const dlqs: Watched<Queue>[] = [
      { name: 'downloads', resource: queues.downloadsDlq },
      { name: 'completions', resource: queues.completionsDlq },
      // No age alarm on the slow lane itself: a store that is down for hours keeps it old.
      { name: 'slowCallbacks', resource: queues.slowCallbacksDlq },
      // A step here is a user's erasure that stopped: `trackdrop dlq redrive erasures` resumes it.
      { name: 'erasures', resource: queues.erasuresDlq },
    ];
    const fns: Watched<TrackdropFunction>[] = [
      { name: 'api', resource: functions.api },
      { name: 'worker', resource: functions.worker },
      { name: 'completion', resource: functions.completion },
      { name: 'listener', resource: functions.listener },
    ];

    for (const { name, resource: dlq } of dlqs) {
      this.addAlarm(
        `${capitalize(name)}DlqNotEmpty`,
        `A ${name} message was dead-lettered`,
        1,
        dlq.metricApproximateNumberOfMessagesVisible({ period: queueAlarmPeriod, statistic: 'Maximum' }),
      );
    }
    for (const { name, resource: queue, maxAge } of mainQueues) {
      const age = queue.metricApproximateAgeOfOldestMessage({ period: queueAlarmPeriod, statistic: 'Maximum' });
      this.addAlarm(
        `${capitalize(name)}QueueOldMessage`,
        `A ${name} message waited over ${maxAge.toHumanString()}`,
        maxAge.toSeconds(),
        age,
      );
    }
    for (const { name, resource: fn } of fns) {
      this.addAlarm(
        `${capitalize(name)}FunctionErrors`,
        `The ${name} function failed an invocation`,
        1,
        fn.metricErrors({ period, statistic: 'Sum' }),
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 })],
        apiWidgets(api),
        queueWidgets(mainQueues, dlqs),
        functionWidgets(fns),
      ],
    });
  }

  private addAlarm(id: string, description: string, threshold: number, metric: IMetric): void {
    this.alarms.push(
      new Alarm(this, id, {
        metric,
        threshold,
        alarmDescription: description,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means an idle queue or function, not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

function apiWidgets({ stage }: ApiConstruct): IWidget[] {
  return [
    graph('API requests', 12, [
      stage.metricCount({ period, label: 'requests' }),
      stage.metricClientError({ period, label: '4xx' }),
      stage.metricServerError({ period, label: '5xx' }),
    ]),
    graph('API latency p99 (ms)', 12, [
      stage.metricLatency({ period, statistic: 'p99', label: 'total' }),
      stage.metricIntegrationLatency({ period, statistic: 'p99', label: 'integration' }),
    ]),
  ];
}

function queueWidgets(mainQueues: Watched<Queue>[], dlqs: Watched<Queue>[]): IWidget[] {
  const each = (queues: Watched<Queue>[], metric: (q: Queue, label: string) => IMetric): IMetric[] =>
    queues.map(({ name, resource }) => metric(resource, name));
  return [
    graph(
      'Messages sent',
      6,
      each(mainQueues, (q, label) => q.metricNumberOfMessagesSent({ period, label })),
    ),
    graph(
      'Messages processed',
      6,
      each(mainQueues, (q, label) => q.metricNumberOfMessagesDeleted({ period, label })),
    ),
    graph(
      'Oldest message (s)',
      6,
      each(mainQueues, (q, label) => q.metricApproximateAgeOfOldestMessage({ period, label })),
    ),
    graph(
      'Dead-lettered',
      6,
      each(dlqs, (q, label) => q.metricApproximateNumberOfMessagesVisible({ period, label })),
    ),
  ];
}

function functionWidgets(fns: Watched<TrackdropFunction>[]): IWidget[] {
  return [
    graph(
      'Invocations',
      8,
      fns.map(({ name, resource }) => resource.metricInvocations({ period, label: name })),
    ),
    graph(
      'Errors and throttles',
      8,
      fns.flatMap(({ name, resource }) => [
        resource.metricErrors({ period, label: `${name} errors` }),
        resource.metricThrottles({ period, label: `${name} throttles` }),
      ]),
    ),
    graph(
      'Duration p99 (ms)',
      8,
      fns.map(({ name, resource }) => resource.metricDuration({ period, statistic: 'p99', label: name })),
    ),
  ];
}

function graph(title: string, width: number, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, width, left: metrics });
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
