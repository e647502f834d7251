import type { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tables, type TableShape } from '../../functions/resources.js';

export interface TablesConstructProps {
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
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
    this.stores = tableFor(this, 'Stores', tables.stores, props);
    this.downloads = tableFor(this, 'Downloads', tables.downloads, props);
    this.licenses = tableFor(this, 'Licenses', tables.licenses, props);
    this.library = tableFor(this, 'Library', tables.library, props);
  }
}

function tableFor(scope: Construct, id: string, shape: TableShape, props: TablesConstructProps): Table {
  const table = new Table(scope, id, {
    partitionKey: { name: shape.partitionKey, type: AttributeType.STRING },
    sortKey: shape.sortKey === undefined ? undefined : { name: shape.sortKey, type: AttributeType.STRING },
    timeToLiveAttribute: shape.ttlAttribute,
    billingMode: BillingMode.PAY_PER_REQUEST,
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
    });
  }
  return table;
}
