import type { AttributeDefinition, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { bucket, queues, type TableShape, tables } from '../../../functions/resources.js';
import {
  type QueueConsumerSettings,
  type TrackdropSettings,
  visibilityTimeoutSeconds,
} from '../../../functions/settings.js';
import type { QueuePlan, ResourcePlan, TablePlan } from './resourcePlan.js';

/**
 * The data resources as the source tree declares them (functions/resources.ts and the settings),
 * the same shapes the CDK app builds its tables, queues and bucket from. `prefix` keeps stacks
 * that share emulators apart.
 */
export function sourceResourcePlan(settings: TrackdropSettings, prefix = ''): ResourcePlan {
  return {
    tables: Object.entries(tables).map(([id, shape]) => tablePlan(id, `${prefix}${shape.name}`, shape)),
    queues: [
      ...queuePair('downloads', prefix, settings.downloads, visibilityTimeoutSeconds(settings.functions.worker)),
      ...queuePair(
        'completions',
        prefix,
        settings.completions,
        visibilityTimeoutSeconds(settings.functions.completion),
      ),
      ...queuePair(
        'slowCallbacks',
        prefix,
        settings.slowCallbacks,
        visibilityTimeoutSeconds(settings.functions.completion),
      ),
      ...queuePair('erasures', prefix, settings.erasures, visibilityTimeoutSeconds(settings.functions.worker)),
    ],
    buckets: [{ id: 'media', name: `${prefix}${bucket.name}`, versioned: true }],
  };
}

/** Plan ids of a queue and its dead-letter queue. */
export const dlqId = (queue: keyof typeof queues) => `${queue}Dlq`;

function tablePlan(id: string, name: string, shape: TableShape): TablePlan {
  const keySchema: KeySchemaElement[] = [{ AttributeName: shape.partitionKey, KeyType: 'HASH' }];
  const attributeDefinitions: AttributeDefinition[] = [{ AttributeName: shape.partitionKey, AttributeType: 'S' }];
  if (shape.sortKey) {
    keySchema.push({ AttributeName: shape.sortKey, KeyType: 'RANGE' });
    attributeDefinitions.push({ AttributeName: shape.sortKey, AttributeType: 'S' });
  }
  for (const index of shape.indexes ?? [])
    attributeDefinitions.push({ AttributeName: index.partitionKey, AttributeType: 'S' });
  return {
    id,
    name,
    keySchema,
    attributeDefinitions,
    billingMode: 'PAY_PER_REQUEST',
    globalSecondaryIndexes: (shape.indexes ?? []).map((index) => ({
      IndexName: index.name,
      KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] },
    })),
    ttlAttribute: shape.ttlAttribute,
  };
}

function queuePair(
  id: keyof typeof queues,
  prefix: string,
  consumer: QueueConsumerSettings,
  visibility: number,
): QueuePlan[] {
  const shape = queues[id];
  return [
    {
      id: dlqId(id),
      name: `${prefix}${shape.dlqName}`,
      attributes: { MessageRetentionPeriod: String(consumer.dlqRetentionDays * 86_400) },
    },
    {
      id,
      name: `${prefix}${shape.name}`,
      attributes: { VisibilityTimeout: String(visibility) },
      redrive: { deadLetterQueueId: dlqId(id), maxReceiveCount: consumer.maxReceiveCount },
    },
  ];
}
