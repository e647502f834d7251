import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { type TableShape, tables } from '../../functions/resources.js';
import type { TableCapacity, TrackdropSettings } from '../../functions/settings.js';

export interface TablesConstructProps {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  /** The capacity mode (settings.tables): on demand, or provisioned with each table's units. */
  readonly settings?: TrackdropSettings;
}

/**
 * One table per concern, so each function can be granted exactly the tables it touches.
 * Keys and TTL attributes come from the shared shapes the functions and emulators also use.
 */
export class TablesConstruct extends Construct {
  public readonly stores: Table;
  public readonly downloads: Table;
  public readonly licenses: Table;
  public readonly library: Table;

  constructor(scope: Construct, id: string, props: TablesConstructProps) {
    super(scope, id);
    this.stores = tableFor(this, 'Stores', tables.stores, props, props.settings?.tables.provisioned.stores);
    this.downloads = tableFor(this, 'Downloads', tables.downloads, props, props.settings?.tables.provisioned.downloads);
    this.licenses = tableFor(this, 'Licenses', tables.licenses, props, props.settings?.tables.provisioned.licenses);
    this.library = tableFor(this, 'Library', tables.library, props, props.settings?.tables.provisioned.library);
  }
}

function tableFor(
  scope: Construct,
  id: string,
  shape: TableShape,
  props: TablesConstructProps,
  capacity: TableCapacity | undefined,
): Table {
  const provisioned = props.settings?.tables.billingMode === 'PROVISIONED' && capacity !== undefined;
  const units = provisioned ? { readCapacity: capacity.readUnits, writeCapacity: capacity.writeUnits } : {};
  const table = new Table(scope, id, {
    partitionKey: { name: shape.partitionKey, type: AttributeType.STRING },
    sortKey: shape.sortKey === undefined ? undefined : { name: shape.sortKey, type: AttributeType.STRING },
    timeToLiveAttribute: shape.ttlAttribute,
    billingMode: provisioned ? BillingMode.PROVISIONED : BillingMode.PAY_PER_REQUEST,
    ...units,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: props.deletionProtection,
    removalPolicy: props.removalPolicy,
  });
  for (const index of shape.indexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...index.include],
      ...units,
    });
  }
  return table;
}
