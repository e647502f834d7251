import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../core/types.js';
import { isConditionFailed } from './isConditionFailed.js';

/**
 * Stores and their API keys. A store is `store#<id>`; each API key is `key#<sha256>` pointing
 * at it, so a request is authenticated with one strongly consistent read of the hash and the
 * key itself is never kept.
 */
export class StoresRepo {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Creates the store; false when the id is taken. */
  async create(store: Store, apiKeyHash: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `store#${store.storeId}`, kind: 'store', ...store },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
    await this.addKey(store.storeId, apiKeyHash);
    return true;
  }

  async addKey(storeId: string, apiKeyHash: string): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: `key#${apiKeyHash}`, kind: 'key', storeId, createdAt: new Date().toISOString() },
      }),
    );
  }

  async get(storeId: string): Promise<Store | undefined> {
    const out = await this.ddb.send(new GetCommand({ TableName: this.table, Key: { pk: `store#${storeId}` }, ConsistentRead: true }));
    return out.Item ? toStore(out.Item) : undefined;
  }

  async findByKeyHash(apiKeyHash: string): Promise<Store | undefined> {
    const key = await this.ddb.send(new GetCommand({ TableName: this.table, Key: { pk: `key#${apiKeyHash}` }, ConsistentRead: true }));
    const storeId = key.Item?.storeId;
    return typeof storeId === 'string' ? this.get(storeId) : undefined;
  }

  async list(): Promise<Store[]> {
    const stores: Store[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.ddb.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'kind = :k',
          ExpressionAttributeValues: { ':k': 'store' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) stores.push(toStore(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return stores.sort((a, b) => a.storeId.localeCompare(b.storeId));
  }

  /** Puts a new signing secret first and keeps the newest previous one active for rotation. */
  async rotateSecret(storeId: string, secret: string): Promise<Store | undefined> {
    const store = await this.get(storeId);
    if (!store) return undefined;
    const signingSecrets = [secret, ...store.signingSecrets.slice(0, 1)];
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `store#${storeId}` },
        UpdateExpression: 'SET signingSecrets = :s',
        ExpressionAttributeValues: { ':s': signingSecrets },
      }),
    );
    return { ...store, signingSecrets };
  }
}

function toStore(item: Record<string, unknown>): Store {
  return {
    storeId: String(item.storeId),
    name: String(item.name ?? item.storeId),
    callbackUrl: String(item.callbackUrl),
    allowOrigins: Array.isArray(item.allowOrigins) ? item.allowOrigins.map(String) : [],
    signingSecrets: Array.isArray(item.signingSecrets) ? item.signingSecrets.map(String) : [],
    redownload: item.redownload === true,
    createdAt: String(item.createdAt),
  };
}
