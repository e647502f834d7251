import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { secretsKeyEnv } from '../../functions/resources.js';
import { defaultSettings } from '../../functions/settings.js';
import { templateResourcePlan } from '../../infra/local/asDeployed/provisionFromTemplate.js';
import { type CfnTemplate, type LocalValue, resourcesOfType } from '../../infra/local/asDeployed/template.js';
import { refuseAllTokens, templateApiPlan } from '../../infra/local/asDeployed/templateApiPlan.js';
import { type EventSourcePlan, sourceEventSources, templateEventSources } from '../../infra/local/eventSourcePlan.js';
import { sourceFunctionPlans, templateFunctionPlan } from '../../infra/local/functionPlan.js';
import type { HttpApiPlan } from '../../infra/local/httpApi/httpApi.js';
import { sourceApiPlan } from '../../infra/local/httpApi/sourcePlan.js';
import type { QueuePlan, ResourcePlan, TablePlan } from '../../infra/local/resources/resourcePlan.js';
import { sourceResourcePlan } from '../../infra/local/resources/sourceResourcePlan.js';
import { synthStack } from './stackFixture.js';

// The local stack is built from a plan read either from the source tree or from the template
// `cdk synth` writes. What both describe must be the same plan, or source mode tests a stack
// that is not the one deployed.

const locker = 'https://locker.example';
const { template } = synthStack({ lockerOrigins: [locker] });
const cfn = template.toJSON() as CfnTemplate;
const pseudo = { region: 'us-east-1', accountId: '000000000000', stackName: 'TrackdropTest' };
const fromTemplate: ResourcePlan = templateResourcePlan(cfn, new Map(), pseudo);
const fromSource: ResourcePlan = sourceResourcePlan(defaultSettings);

/** The template's logical id for a source-tree id: `Tables` + `Stores` + hash, `Queues` + `DownloadsQueue` + hash. */
function counterpart<T extends { id: string }>(plans: readonly T[], prefix: string): T {
  const found = plans.filter((p) => p.id.startsWith(prefix));
  assert.equal(found.length, 1, `one template resource starting ${prefix}: ${found.map((p) => p.id).join(', ')}`);
  return found[0] as T;
}

const capital = (s: string) => `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;
const byName = <T extends { AttributeName?: string | undefined }>(xs: readonly T[]) =>
  [...xs].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));

describe('source and template give the same resource plan', () => {
  for (const source of fromSource.tables) {
    test(`table ${source.id}: keys, attributes, billing, indexes and TTL`, () => {
      const t: TablePlan = counterpart(fromTemplate.tables, `Tables${capital(source.id)}`);
      assert.deepEqual(t.keySchema, source.keySchema);
      assert.deepEqual(byName(t.attributeDefinitions), byName(source.attributeDefinitions));
      assert.equal(t.billingMode, source.billingMode);
      assert.deepEqual(t.globalSecondaryIndexes ?? [], source.globalSecondaryIndexes ?? []);
      assert.equal(t.ttlAttribute, source.ttlAttribute);
    });
  }

  for (const id of ['downloads', 'completions', 'slowCallbacks'] as const) {
    test(`queue ${id}: visibility timeout, redrive to its DLQ, the DLQ's retention`, () => {
      const queue = (plans: readonly QueuePlan[], qid: string) => {
        const q = plans.find((p) => p.id === qid);
        assert.ok(q, qid);
        return q;
      };
      const sourceQueue = queue(fromSource.queues, id);
      const sourceDlq = queue(fromSource.queues, `${id}Dlq`);
      const t = counterpart(fromTemplate.queues, `Queues${capital(id)}Queue`);
      const tDlq = counterpart(fromTemplate.queues, `Queues${capital(id)}Dlq`);
      assert.equal(t.attributes.VisibilityTimeout, sourceQueue.attributes.VisibilityTimeout);
      assert.equal(t.redrive?.maxReceiveCount, sourceQueue.redrive?.maxReceiveCount);
      assert.equal(t.redrive?.deadLetterQueueId, tDlq.id);
      assert.equal(tDlq.attributes.MessageRetentionPeriod, sourceDlq.attributes.MessageRetentionPeriod);
    });
  }

  test('one media bucket', () => {
    assert.equal(fromSource.buckets.length, 1);
    counterpart(fromTemplate.buckets, 'StorageMediaBucket');
  });
});

describe('source and template give the same HTTP API plan', () => {
  const integration = async () => ({ statusCode: 204 });
  const source: HttpApiPlan = sourceApiPlan({
    integrations: { api: integration, listener: integration },
    listenerScopes: defaultSettings.listener.scopes,
    lockerOrigins: [locker],
  });
  // Stand-in local values: each resource is its own id, each function has an ARN.
  const locals = new Map<string, LocalValue>();
  for (const [id, r] of Object.entries(cfn.Resources))
    locals.set(id, {
      ref: id,
      attrs: r.Type === 'AWS::Lambda::Function' ? { Arn: `arn:aws:lambda:us-east-1:0:function:${id}` } : {},
    });
  const deployed: HttpApiPlan = templateApiPlan(cfn, locals, pseudo, {
    integrationOf: () => integration,
    jwtVerifier: refuseAllTokens,
  });
  const shape = (plan: HttpApiPlan) =>
    plan.routes
      .map((r) => ({
        routeKey: r.routeKey,
        jwt: r.authorizer !== undefined,
        identityHeader: r.authorizer?.identityHeader,
        scopes: [...(r.scopes ?? [])],
      }))
      .sort((a, b) => a.routeKey.localeCompare(b.routeKey));

  test('every route, with the same authorizer and scopes', () => {
    assert.deepEqual(shape(deployed), shape(source));
  });

  test('the same CORS configuration', () => {
    assert.deepEqual(deployed.cors, source.cors);
  });
});

describe('source and template give the same event sources', () => {
  // Stand-in local values: queues with an ARN and URL of their own id.
  const locals = new Map<string, LocalValue>();
  for (const [id, r] of Object.entries(cfn.Resources))
    locals.set(id, {
      ref: r.Type === 'AWS::SQS::Queue' ? `https://sqs.local/${id}` : id,
      attrs:
        r.Type === 'AWS::SQS::Queue'
          ? { Arn: `arn:aws:sqs:us-east-1:0:${id}`, QueueUrl: `https://sqs.local/${id}` }
          : {},
    });
  const deployed = templateEventSources(cfn, locals, pseudo);
  const source = sourceEventSources(defaultSettings, {
    downloads: 'd',
    completions: 'c',
    slowCallbacks: 's',
    erasures: 'e',
  });

  for (const [queue, fn] of [
    ['downloads', 'Worker'],
    ['completions', 'Completion'],
    ['slowCallbacks', 'Completion'],
    ['erasures', 'Worker'],
  ] as const) {
    test(`${queue} → ${fn.toLowerCase()}: batch size, batching window, concurrency, batch item failures`, () => {
      const mapping = deployed.filter((p) => p.queueUrl.includes(`Queues${capital(queue)}Queue`));
      assert.equal(mapping.length, 1, `one mapping on the ${queue} queue`);
      const [t] = mapping;
      assert.ok(t, `the ${queue} mapping`);
      assert.ok(t.functionId.startsWith(`Functions${fn}`), t.functionId);
      const s = source[queue];
      const settings = (p: EventSourcePlan) => ({
        batchSize: p.batchSize,
        batchingWindowSeconds: p.batchingWindowSeconds,
        maxConcurrency: p.maxConcurrency,
        reportBatchItemFailures: p.reportBatchItemFailures,
      });
      assert.deepEqual(settings(t), settings(s));
    });
  }
});

describe('source and template give the same functions', () => {
  // Every resource named by its logical id, so each variable can be traced to what it names.
  const locals = new Map<string, LocalValue>(Object.keys(cfn.Resources).map((id) => [id, { ref: id, attrs: {} }]));
  const names = {
    tables: { stores: 'stores', downloads: 'downloads', licenses: 'licenses', library: 'library' },
    queueUrls: {
      downloads: 'downloads',
      completions: 'completions',
      slowCallbacks: 'slowCallbacks',
      erasures: 'erasures',
    },
    bucket: 'media',
  };
  // What each source name is in the template: `Tables` + `Stores` + hash, `Queues` + `DownloadsQueue`…
  const templatePrefix: Record<string, string> = {
    stores: 'TablesStores',
    downloads: 'TablesDownloads',
    licenses: 'TablesLicenses',
    library: 'TablesLibrary',
    media: 'StorageMediaBucket',
  };
  const sourcePlans = sourceFunctionPlans(defaultSettings, names);
  for (const fn of ['api', 'listener', 'worker', 'completion'] as const) {
    test(`${fn}: memory, timeout, and the same variables naming the same resources`, () => {
      const source = sourcePlans[fn];
      const [id, resource] = resourcesOfType(cfn, 'AWS::Lambda::Function').find(([rid]) =>
        rid.startsWith(`Functions${capital(fn)}`),
      ) ?? ['', undefined];
      assert.ok(resource, `the template has the ${fn} function`);
      const t = templateFunctionPlan(id, locals, pseudo, resource);
      assert.equal(t.memoryMb, source.memoryMb);
      assert.equal(t.timeoutSeconds, source.timeoutSeconds);
      // The template adds source maps for the bundle; source mode runs the TypeScript itself.
      // KMS has no emulator: the template's key id has a local stand-in key instead.
      const { NODE_OPTIONS, [secretsKeyEnv]: kmsKeyId, ...templateEnv } = t.environment;
      assert.equal(NODE_OPTIONS, '--enable-source-maps');
      assert.equal(kmsKeyId !== undefined, fn === 'completion', 'only completion opens signing secrets');
      assert.deepEqual(Object.keys(templateEnv).sort(), Object.keys(source.environment).sort());
      for (const [name, value] of Object.entries(source.environment)) {
        const given = templateEnv[name] ?? '';
        if (name.endsWith('_QUEUE_URL')) {
          assert.ok(given.startsWith(`Queues${capital(value)}Queue`), `${name}: ${given}`);
        } else if (templatePrefix[value]) {
          assert.ok(given.startsWith(templatePrefix[value] ?? ''), `${name}: ${given}`);
        } else {
          assert.equal(given, value, name);
        }
      }
    });
  }
});
