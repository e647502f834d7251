import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, auditEntrySchema, type Store, storeOf } from '../core/storedRecords.js';
import { TtlCache } from '../core/ttlCache.js';
import { isConditionFailed } from './isConditionFailed.js';
import { scanAll } from './queryAll.js';
import type { SecretBox } from './secrets/secretBox.js';

/** How long a container keeps opened signing secrets: a rotation keeps the old one valid meanwhile. */
const SECRETS_CACHE_MS = 5 * 60_000;
/** How long a container trusts a store record or an API key lookup it read. */
const STORE_CACHE_MS = 30_000;

/**
 * Stores and their API keys. A store is `store#<id>`; each API key is `key#<sha256>` pointing
 * at it, so a request is authenticated with one strongly consistent read of the hash and the
 * key itself is never kept.
 */
export class StoresRepo {
  private readonly secretsCache = new TtlCache<string[]>(SECRETS_CACHE_MS);
  // Every API call authenticates: caching spares two reads per call (a key's store id never changes).
  private readonly keyCache = new TtlCache<string | undefined>(STORE_CACHE_MS);
  private readonly storeCache = new TtlCache<Store | undefined>(STORE_CACHE_MS);

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    /** Only the functions that write or read signing secrets get one. */
    private readonly box?: SecretBox,
  ) {}

  /** Creates the store with its first signing secret, sealed; false when the id is taken. */
  async create(store: Store, apiKeyHash: string, signingSecret: string): Promise<boolean> {
    const sealedSecrets = [await this.secretBox().seal(signingSecret, { storeId: store.storeId })];
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `store#${store.storeId}`, kind: 'store', ...store, sealedSecrets },
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

  /** The store, as read within the last few seconds. */
  get(storeId: string): Promise<Store | undefined> {
    return this.storeCache.get(storeId, async () => {
      const out = await this.ddb.send(
        new GetCommand({ TableName: this.table, Key: { pk: `store#${storeId}` }, ConsistentRead: true }),
      );
      return out.Item ? storeOf(out.Item) : undefined;
    });
  }

  async findByKeyHash(apiKeyHash: string): Promise<Store | undefined> {
    const storeId = await this.keyCache.get(apiKeyHash, async () => {
      const key = await this.ddb.send(
        new GetCommand({ TableName: this.table, Key: { pk: `key#${apiKeyHash}` }, ConsistentRead: true }),
      );
      return typeof key.Item?.storeId === 'string' ? key.Item.storeId : undefined;
    });
    return storeId === undefined ? undefined : this.get(storeId);
  }

  async list(): Promise<Store[]> {
    const items = await scanAll(this.ddb, {
      TableName: this.table,
      FilterExpression: 'kind = :k',
      ExpressionAttributeValues: { ':k': 'store' },
    });
    return items.map(storeOf).sort((a, b) => a.storeId.localeCompare(b.storeId));
  }

  /** The store's API keys, by hash (the key itself is never kept), oldest first. */
  async keysOf(storeId: string): Promise<{ hash: string; createdAt: string }[]> {
    const items = await scanAll(this.ddb, {
      TableName: this.table,
      FilterExpression: 'kind = :k AND storeId = :s',
      ExpressionAttributeValues: { ':k': 'key', ':s': storeId },
    });
    return items
      .map((i) => ({ hash: String(i.pk).slice('key#'.length), createdAt: String(i.createdAt ?? '') }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revokes one API key: a container that looked it up in the last STORE_CACHE_MS still takes it that long. */
  async deleteKey(apiKeyHash: string): Promise<void> {
    await this.ddb.send(new DeleteCommand({ TableName: this.table, Key: { pk: `key#${apiKeyHash}` } }));
    this.keyCache.delete(apiKeyHash);
  }

  /** Changes the store's settings; undefined when there is no such store. */
  async update(
    storeId: string,
    patch: Partial<Pick<Store, 'name' | 'callbackUrl' | 'allowOrigins' | 'redownload'>>,
  ): Promise<Store | undefined> {
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined);
    return this.change(
      storeId,
      fields.length === 0 ? 'SET kind = kind' : `SET ${fields.map(([k]) => `#${k} = :${k}`).join(', ')}`,
      Object.fromEntries(fields.map(([k]) => [`#${k}`, k])),
      Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
    );
  }

  /** Suspends the store (a time) or resumes it (undefined); undefined when there is no such store. */
  setSuspended(storeId: string, at: string | undefined): Promise<Store | undefined> {
    return at === undefined
      ? this.change(storeId, 'REMOVE suspendedAt', {}, {})
      : this.change(storeId, 'SET suspendedAt = :at', {}, { ':at': at });
  }

  private async change(
    storeId: string,
    expression: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<Store | undefined> {
    try {
      const out = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `store#${storeId}` },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      this.storeCache.delete(storeId);
      return out.Attributes ? storeOf(out.Attributes) : undefined;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  /** Removes the store and every API key of it; false when there was none. */
  async remove(storeId: string): Promise<boolean> {
    for (const key of await this.keysOf(storeId)) await this.deleteKey(key.hash);
    try {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: `store#${storeId}` },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
    this.storeCache.delete(storeId);
    return true;
  }

  /** Keeps one operator action for audit, as an item of its own (it outlives a removed store). */
  async putAudit(entry: AuditEntry): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: `audit#${entry.storeId}#${entry.at}#${randomUUID()}`, kind: 'audit', ...entry },
      }),
    );
  }

  /** The store's audit trail, oldest first. */
  async auditOf(storeId: string): Promise<AuditEntry[]> {
    const items = await scanAll(this.ddb, {
      TableName: this.table,
      FilterExpression: 'kind = :k AND storeId = :s',
      ExpressionAttributeValues: { ':k': 'audit', ':s': storeId },
    });
    return items.map((i) => auditEntrySchema.parse(i)).sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Puts a new signing secret first and keeps the newest previous one active for rotation. */
  async rotateSecret(storeId: string, secret: string): Promise<Store | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { pk: `store#${storeId}` }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const previous = Array.isArray(out.Item.sealedSecrets) ? out.Item.sealedSecrets.map(String) : [];
    const sealedSecrets = [await this.secretBox().seal(secret, { storeId }), ...previous.slice(0, 1)];
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `store#${storeId}` },
        UpdateExpression: 'SET sealedSecrets = :s',
        ExpressionAttributeValues: { ':s': sealedSecrets },
      }),
    );
    // This container signs with the new secret at once; others within SECRETS_CACHE_MS, and
    // meanwhile the previous secret stays valid.
    this.secretsCache.delete(storeId);
    return storeOf(out.Item);
  }

  /** The store's active signing secrets, newest first, opened (and kept for a few minutes). */
  signingSecrets(storeId: string): Promise<string[]> {
    return this.secretsCache.get(storeId, async () => {
      const out = await this.ddb.send(
        new GetCommand({
          TableName: this.table,
          Key: { pk: `store#${storeId}` },
          ProjectionExpression: 'sealedSecrets',
          ConsistentRead: true,
        }),
      );
      const sealed = Array.isArray(out.Item?.sealedSecrets) ? out.Item.sealedSecrets.map(String) : [];
      return Promise.all(sealed.map((s) => this.secretBox().open(s, { storeId })));
    });
  }

  private secretBox(): SecretBox {
    if (!this.box) throw new Error('this function was built without access to signing secrets');
    return this.box;
  }
}
