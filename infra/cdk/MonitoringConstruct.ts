import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  TreatMissingData,
  type IMetric,
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

const period = Duration.minutes(5);

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
    const dlqs: [string, Queue][] = [
      ['Downloads', queues.downloadsDlq],
      ['Completions', queues.completionsDlq],
    ];
    // A track normally lands within seconds; a quarter of an hour means the worker is not keeping up.
    // Completions may wait through several callback backoffs while a store's endpoint is down.
    const ageLimits: [string, Queue, Duration][] = [
      ['Downloads', queues.downloads, Duration.minutes(15)],
      ['Completions', queues.completions, Duration.seconds(settings.callbacks.maxBackoffSeconds * 4)],
    ];
    const fns: [string, TrackdropFunction][] = [
      ['Api', functions.api],
      ['Worker', functions.worker],
      ['Completion', functions.completion],
    ];

    for (const [name, dlq] of dlqs) {
      this.alarm(`${name}DlqNotEmpty`, `A ${name.toLowerCase()} message was dead-lettered`, {
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
      });
    }
    for (const [name, queue, limit] of ageLimits) {
      this.alarm(`${name}QueueOldMessage`, `The oldest ${name.toLowerCase()} message is older than ${limit.toHumanString()}`, {
        metric: queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: limit.toSeconds(),
      });
    }
    for (const [name, fn] of fns) {
      this.alarm(`${name}FunctionErrors`, `The ${name.toLowerCase()} function threw`, {
        metric: fn.metricErrors({ period, statistic: 'Sum' }),
        threshold: 1,
      });
    }

    const mainQueues: [string, Queue][] = [
      ['downloads', queues.downloads],
      ['completions', queues.completions],
    ];
    const perQueue = (list: [string, Queue][], metric: (q: Queue, label: string) => IMetric): IMetric[] =>
      list.map(([label, q]) => metric(q, label.toLowerCase()));
    const perFunction = (metric: (fn: TrackdropFunction, label: string) => IMetric[]): IMetric[] =>
      fns.flatMap(([label, fn]) => metric(fn, label.toLowerCase()));
    const stage = api.stage;

    this.dashboard = new Dashboard(this, 'Dashboard', {
      widgets: [
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 })],
        [
          graph('API requests', 12, [
            stage.metricCount({ period, label: 'requests' }),
            stage.metricClientError({ period, label: '4xx' }),
            stage.metricServerError({ period, label: '5xx' }),
          ]),
          graph('API latency p99 (ms)', 12, [
            stage.metricLatency({ period, statistic: 'p99', label: 'latency' }),
            stage.metricIntegrationLatency({ period, statistic: 'p99', label: 'integration' }),
          ]),
        ],
        [
          graph('Messages sent', 12, perQueue(mainQueues, (q, label) => q.metricNumberOfMessagesSent({ period, label }))),
          graph('Messages processed', 12, perQueue(mainQueues, (q, label) => q.metricNumberOfMessagesDeleted({ period, label }))),
        ],
        [
          graph('Queue depth', 8, perQueue(mainQueues, (q, label) => q.metricApproximateNumberOfMessagesVisible({ period, label }))),
          graph('Oldest message (s)', 8, perQueue(mainQueues, (q, label) => q.metricApproximateAgeOfOldestMessage({ period, label }))),
          graph('Dead-lettered', 8, perQueue(dlqs, (q, label) => q.metricApproximateNumberOfMessagesVisible({ period, label }))),
        ],
        [
          graph('Invocations', 8, perFunction((fn, label) => [fn.metricInvocations({ period, label })])),
          graph('Errors and throttles', 8, perFunction((fn, label) => [
            fn.metricErrors({ period, label: `${label} errors` }),
            fn.metricThrottles({ period, label: `${label} throttles` }),
          ])),
          graph('Duration p99 (ms)', 8, perFunction((fn, label) => [fn.metricDuration({ period, statistic: 'p99', label })])),
        ],
      ],
    });
  }

  private alarm(id: string, description: string, props: { metric: IMetric; threshold: number }): void {
    this.alarms.push(
      new Alarm(this, id, {
        ...props,
        alarmDescription: description,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means an idle queue or function, not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}

function graph(title: string, width: number, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, width, left: metrics });
}
