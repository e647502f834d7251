import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { tables as shapes, type TableShape } from '../../functions/resources.js';
import { defaultSettings } from '../../functions/settings.js';
import { logicalId, prodSettings, synthStack } from './stackFixture.js';

const dev = synthStack();
const prod = synthStack({ settings: prodSettings });

const cases: [string, TableShape, (t: typeof dev.stack.tables) => Table][] = [
  ['stores', shapes.stores, (t) => t.stores],
  ['downloads', shapes.downloads, (t) => t.downloads],
  ['licenses', shapes.licenses, (t) => t.licenses],
  ['library', shapes.library, (t) => t.library],
];

test('four tables, one per concern', () => {
  dev.template.resourceCountIs('AWS::DynamoDB::Table', 4);
});

for (const [name, shape, pick] of cases) {
  const resource = (synth: typeof dev): { Properties: Record<string, unknown>; DeletionPolicy?: string } => {
    const found = synth.template.findResources('AWS::DynamoDB::Table')[logicalId(pick(synth.stack.tables))];
    assert.ok(found, `${name} table is in the template`);
    return found as { Properties: Record<string, unknown>; DeletionPolicy?: string };
  };

  test(`${name}: keys from the shared shape, all strings`, () => {
    const keys = [{ AttributeName: shape.partitionKey, KeyType: 'HASH' }];
    if (shape.sortKey) keys.push({ AttributeName: shape.sortKey, KeyType: 'RANGE' });
    const { Properties } = resource(dev);
    assert.deepEqual(Properties.KeySchema, keys);
    const indexes = ('indexes' in shape ? shape.indexes : undefined) ?? [];
    assert.deepEqual(
      Properties.AttributeDefinitions,
      [...keys.map((k) => k.AttributeName), ...indexes.map((i) => i.partitionKey)].map((AttributeName) => ({
        AttributeName,
        AttributeType: 'S',
      })),
    );
    assert.deepEqual(
      Properties.GlobalSecondaryIndexes,
      indexes.length
        ? indexes.map((i) => ({
            IndexName: i.name,
            KeySchema: [{ AttributeName: i.partitionKey, KeyType: 'HASH' }],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.include] },
          }))
        : undefined,
    );
    // Physical names are left to CloudFormation, so a replacement never collides.
    assert.equal(Properties.TableName, undefined);
  });

  test(`${name}: on-demand, point-in-time recovery, TTL only where the shape has one`, () => {
    const { Properties } = resource(dev);
    assert.equal(Properties.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(Properties.PointInTimeRecoverySpecification, { PointInTimeRecoveryEnabled: true });
    assert.deepEqual(
      Properties.TimeToLiveSpecification,
      shape.ttlAttribute ? { AttributeName: shape.ttlAttribute, Enabled: true } : undefined,
    );
  });

  test(`${name}: dev deletes with the stack, prod is retained and deletion-protected`, () => {
    const devTable = resource(dev);
    assert.equal(devTable.DeletionPolicy, 'Delete');
    assert.notEqual(devTable.Properties.DeletionProtectionEnabled, true);
    const prodTable = resource(prod);
    assert.equal(prodTable.DeletionPolicy, 'Retain');
    assert.equal(prodTable.Properties.DeletionProtectionEnabled, true);
  });
}

/** The parts of an `AWS::DynamoDB::Table` the capacity test reads. */
interface ProvisionedTable {
  readonly Properties: {
    readonly BillingMode?: string;
    readonly ProvisionedThroughput?: Throughput;
    readonly GlobalSecondaryIndexes?: readonly { readonly ProvisionedThroughput?: Throughput }[];
  };
}

interface Throughput {
  readonly ReadCapacityUnits: number;
  readonly WriteCapacityUnits: number;
}

test('the capacity mode is a setting: provisioned tables (and the claims index) take the units settings give them', () => {
  const settings = { ...defaultSettings, tables: { ...defaultSettings.tables, billingMode: 'PROVISIONED' as const } };
  const provisioned = synthStack({ settings });
  const library = provisioned.template.findResources('AWS::DynamoDB::Table')[
    logicalId(provisioned.stack.tables.library)
  ] as ProvisionedTable;
  const units = settings.tables.provisioned.library;
  // CloudFormation's default mode is provisioned; CDK leaves BillingMode out for it.
  assert.ok([undefined, 'PROVISIONED'].includes(library.Properties.BillingMode));
  assert.deepEqual(library.Properties.ProvisionedThroughput, {
    ReadCapacityUnits: units.readUnits,
    WriteCapacityUnits: units.writeUnits,
  });
  assert.deepEqual(library.Properties.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput, {
    ReadCapacityUnits: units.readUnits,
    WriteCapacityUnits: units.writeUnits,
  });
  const downloads = provisioned.template.findResources('AWS::DynamoDB::Table')[
    logicalId(provisioned.stack.tables.downloads)
  ] as ProvisionedTable;
  assert.equal(
    downloads.Properties.ProvisionedThroughput?.WriteCapacityUnits,
    settings.tables.provisioned.downloads.writeUnits,
  );
});
