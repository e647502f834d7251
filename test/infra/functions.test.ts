import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { bucket, queues as queueShapes, tables as tableShapes } from '../../functions/resources.js';
import { functionEnv, telemetryEnv } from '../../functions/runtime/functionEnv.js';
import { defaultSettings, settingsEnv } from '../../functions/settings.js';
import { secretsKeyEnv } from '../../infra/cdk/SecretsConstruct.js';
import { TrackdropStack } from '../../infra/cdk/TrackdropStack.js';
import { allows, grantsOf, logicalId, synthStack, testContext } from './stackFixture.js';

const sourceBucket = 'catalog-of-a-store';
const { stack, template } = synthStack({ sourceBuckets: [sourceBucket] });
const { functions, tables, queues, storage, secrets } = stack;

const id = {
  stores: logicalId(tables.stores),
  downloads: logicalId(tables.downloads),
  licenses: logicalId(tables.licenses),
  library: logicalId(tables.library),
  downloadsQueue: logicalId(queues.downloads),
  completionsQueue: logicalId(queues.completions),
  slowCallbacksQueue: logicalId(queues.slowCallbacks),
  erasuresQueue: logicalId(queues.erasures),
  media: logicalId(storage.mediaBucket),
  key: logicalId(secrets.signingSecretsKey),
};

const fns = [
  ['api', functions.api, defaultSettings.functions.api],
  ['worker', functions.worker, defaultSettings.functions.worker],
  ['completion', functions.completion, defaultSettings.functions.completion],
  ['listener', functions.listener, defaultSettings.functions.listener],
] as const;

test('four functions on the newest Node.js runtime, arm64, traced, sized from settings', () => {
  template.resourceCountIs('AWS::Lambda::Function', 4);
  for (const [name, fn, settings] of fns) {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      MemorySize: settings.memoryMb,
      Timeout: settings.timeoutSeconds,
      LoggingConfig: { LogGroup: { Ref: logicalId(fn.logGroup) } },
    });
    assert.ok(template.findResources('AWS::Lambda::Function')[logicalId(fn)], name);
  }
});

test('each function is given exactly the variables its builder reads, naming only what it uses', () => {
  const always = {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: 'trackdrop',
    POWERTOOLS_METRICS_NAMESPACE: 'Trackdrop',
    [settingsEnv]: JSON.stringify(defaultSettings),
  };
  const stores = { [tableShapes.stores.env]: { Ref: id.stores } };
  const downloads = { [tableShapes.downloads.env]: { Ref: id.downloads } };
  const licenses = { [tableShapes.licenses.env]: { Ref: id.licenses } };
  const library = { [tableShapes.library.env]: { Ref: id.library } };
  const downloadsQueue = { [queueShapes.downloads.env]: { Ref: id.downloadsQueue } };
  const completionsQueue = { [queueShapes.completions.env]: { Ref: id.completionsQueue } };
  const erasuresQueue = { [queueShapes.erasures.env]: { Ref: id.erasuresQueue } };
  const expected = {
    // The api learns the media bucket's name (to refuse it as a track source), with no grant on it.
    api: {
      ...always,
      ...stores,
      ...downloads,
      ...licenses,
      ...library,
      ...downloadsQueue,
      ...completionsQueue,
      [bucket.env]: { Ref: id.media },
    },
    worker: {
      ...always,
      ...stores,
      ...downloads,
      ...licenses,
      ...library,
      // Its own queue only to hold the batch it works on (ChangeMessageVisibility).
      ...downloadsQueue,
      ...completionsQueue,
      // It takes users' erasure steps, and queues each next one.
      ...erasuresQueue,
      [bucket.env]: { Ref: id.media },
    },
    completion: {
      ...always,
      ...stores,
      ...downloads,
      ...library,
      ...completionsQueue,
      [queueShapes.slowCallbacks.env]: { Ref: id.slowCallbacksQueue },
      [secretsKeyEnv]: { Ref: id.key },
    },
    listener: { ...always, ...downloads, ...library, ...erasuresQueue, [bucket.env]: { Ref: id.media } },
  };
  const resources = template.findResources('AWS::Lambda::Function');
  for (const [name, fn] of fns) {
    const variables = (
      resources[logicalId(fn)] as { Properties: { Environment: { Variables: Record<string, unknown> } } }
    ).Properties.Environment.Variables;
    assert.deepEqual(variables, expected[name], name);
    assert.deepEqual(
      Object.keys(variables).sort(),
      ['NODE_OPTIONS', ...telemetryEnv, ...functionEnv[name]].sort(),
      `${name}: as declared beside its builder`,
    );
  }
});

test('a function given a variable it does not read fails the synth', () => {
  const s = new TrackdropStack(new App({ context: testContext() }), 'TrackdropExtraEnv', {});
  s.functions.api.addEnvironment(secretsKeyEnv, 'not-for-the-api');
  assert.throws(
    () => Template.fromStack(s),
    new RegExp(`api function is given ${secretsKeyEnv}, which it does not read`),
  );
});

test('the signing-secrets key rotates', () => {
  template.resourceCountIs('AWS::KMS::Key', 1);
  template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
});

test('api: reads stores (to authenticate) and the library; read/write sessions and licenses; sends to both queues', () => {
  const g = grantsOf(template, functions.api);
  assert.ok(allows(g, 'dynamodb:Query', id.stores) && allows(g, 'dynamodb:GetItem', id.stores));
  for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
    assert.ok(!allows(g, action, id.stores), `the operator CLI registers stores, not the api (${action})`);
  }
  for (const table of [id.downloads, id.licenses]) {
    assert.ok(allows(g, 'dynamodb:PutItem', table) && allows(g, 'dynamodb:Query', table), table);
  }
  assert.ok(allows(g, 'dynamodb:Query', id.library));
  assert.ok(!allows(g, 'dynamodb:PutItem', id.library), 'api does not write the library');
  assert.ok(allows(g, 'sqs:SendMessage', id.downloadsQueue) && allows(g, 'sqs:SendMessage', id.completionsQueue));
  assert.ok(!g.some((x) => x.action === 'sqs:ReceiveMessage'), 'api consumes no queue');
  assert.ok(!allows(g, 'kms:Decrypt', id.key) && !allows(g, 'kms:Encrypt', id.key), 'api cannot touch signing secrets');
  assert.ok(!g.some((x) => x.action.startsWith('s3:')), 'api has no bucket access');
});

test('worker: reads licenses and stores, writes sessions and key claims, copies under users/ and staging/ only, erases users', () => {
  const g = grantsOf(template, functions.worker);
  assert.ok(
    allows(g, 'dynamodb:GetItem', id.licenses) && allows(g, 'dynamodb:BatchWriteItem', id.licenses),
    "licenses read for every track, deleted by a user's erasure",
  );
  // An erasure removes every version of a user's objects, by id, and only under users/.
  assert.ok(allows(g, 's3:DeleteObjectVersion', id.media, '/users/*'));
  assert.ok(!allows(g, 's3:DeleteObjectVersion', id.media, '/staging/*'));
  assert.ok(g.some((x) => x.action === 's3:ListBucketVersions' && x.resource.includes(id.media)));
  assert.ok(
    allows(g, 'sqs:SendMessage', id.erasuresQueue) && allows(g, 'sqs:ReceiveMessage', id.erasuresQueue),
    'it takes erasure steps and queues each next one',
  );
  assert.ok(allows(g, 'dynamodb:GetItem', id.stores) && !allows(g, 'dynamodb:PutItem', id.stores));
  assert.ok(allows(g, 'dynamodb:PutItem', id.library) && allows(g, 'dynamodb:UpdateItem', id.downloads));
  for (const prefix of ['/users/*', '/staging/*']) {
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']) {
      assert.ok(allows(g, action, id.media, prefix), `${action} on ${prefix}`);
    }
  }
  const objectGrants = g.filter(
    (x) => x.resource.includes(id.media) && x.action !== 's3:ListBucket' && x.action !== 's3:ListBucketVersions',
  );
  assert.ok(
    objectGrants.every((x) => x.resource.includes('/users/*') || x.resource.includes('/staging/*')),
    'no object grant on the whole bucket',
  );
  // ListBucket makes HeadObject on a missing key answer 404 rather than 403.
  const mediaBucketArn = JSON.stringify({ 'Fn::GetAtt': [id.media, 'Arn'] });
  assert.ok(g.some((x) => x.action === 's3:ListBucket' && x.resource === mediaBucketArn));
  assert.ok(allows(g, 'sqs:SendMessage', id.completionsQueue));
  assert.ok(
    allows(g, 'sqs:SendMessage', id.downloadsQueue),
    "it holds a suspended store's downloads by sending them again",
  );
  assert.ok(allows(g, 'sqs:ReceiveMessage', id.downloadsQueue), 'the event source grants consume');
  assert.ok(allows(g, 'sqs:ChangeMessageVisibility', id.downloadsQueue), 'it holds its batch with a lease');
  assert.ok(!allows(g, 'sqs:ChangeMessageVisibility', id.completionsQueue), 'and no other queue’s messages');
  assert.ok(!g.some((x) => x.action.startsWith('kms:')), 'the worker never sees signing secrets');
});

test('worker: read-only on configured source buckets', () => {
  const g = grantsOf(template, functions.worker);
  const sourceGrants = g.filter((x) => x.resource.includes(`:s3:::${sourceBucket}`));
  const onObjects = (x: { resource: string }): boolean => x.resource.includes(`:s3:::${sourceBucket}/*`);
  const objectActions = sourceGrants.filter(onObjects).map((x) => x.action);
  assert.deepEqual(objectActions.sort(), ['s3:GetObject', 's3:GetObjectTagging', 's3:GetObjectVersion']);
  assert.deepEqual(
    sourceGrants.filter((x) => !onObjects(x)).map((x) => x.action),
    ['s3:ListBucket'],
  );
  // Without source buckets there is no such statement at all.
  const plain = synthStack();
  assert.ok(!grantsOf(plain.template, plain.stack.functions.worker).some((x) => x.resource.includes(':s3:::')));
});

test('completion: library rows and session states, reads stores, decrypts secrets, backs off on and sends to its queue', () => {
  const g = grantsOf(template, functions.completion);
  assert.ok(allows(g, 'dynamodb:PutItem', id.library) && allows(g, 'dynamodb:UpdateItem', id.downloads));
  assert.ok(allows(g, 'dynamodb:GetItem', id.stores) && !allows(g, 'dynamodb:PutItem', id.stores));
  assert.ok(!g.some((x) => x.resource.includes(id.licenses)), 'completion does not touch licenses');
  assert.ok(allows(g, 'kms:Decrypt', id.key) && !allows(g, 'kms:Encrypt', id.key));
  assert.ok(allows(g, 'sqs:ChangeMessageVisibility', id.completionsQueue));
  assert.ok(allows(g, 'sqs:DeleteMessage', id.completionsQueue));
  assert.ok(
    allows(g, 'sqs:SendMessage', id.completionsQueue),
    "a cancel's next chunk and its callbacks are sent to the completions queue",
  );
  assert.ok(
    allows(g, 'sqs:SendMessage', id.slowCallbacksQueue) &&
      allows(g, 'sqs:ChangeMessageVisibility', id.slowCallbacksQueue),
    "a slow store's callbacks are sent on to the slow lane, and backed off there",
  );
  assert.ok(!allows(g, 'sqs:SendMessage', id.downloadsQueue), 'the completion function queues no downloads');
  assert.ok(!g.some((x) => x.action.startsWith('s3:')), 'completion has no bucket access');
});

test("listener: reads library rows and sessions, GetObject under users/ only, starts the user's erasure, nothing else", () => {
  const g = grantsOf(template, functions.listener);
  assert.ok(allows(g, 'dynamodb:Query', id.library) && allows(g, 'dynamodb:GetItem', id.library));
  assert.ok(allows(g, 'dynamodb:Query', id.downloads) && allows(g, 'dynamodb:GetItem', id.downloads));
  const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
  // One write: PutItem of the erasure record in the library table.
  assert.deepEqual([...new Set(g.filter((x) => writes.includes(x.action)).map((x) => x.action))], ['dynamodb:PutItem']);
  assert.ok(
    g.filter((x) => x.action === 'dynamodb:PutItem').every((x) => x.resource.includes(id.library)),
    'PutItem on the library table alone',
  );
  assert.ok(allows(g, 'dynamodb:PutItem', id.library), 'the erasure record');
  assert.ok(
    !g.some((x) => x.resource.includes(id.stores) || x.resource.includes(id.licenses)),
    'listener reads no stores or licenses',
  );
  const s3 = g.filter((x) => x.action.startsWith('s3:'));
  assert.deepEqual([...new Set(s3.map((x) => x.action))], ['s3:GetObject']);
  assert.ok(
    s3.every((x) => x.resource.includes(id.media) && x.resource.includes('/users/*')),
    'GetObject only under users/',
  );
  const sqs = g.filter((x) => x.action.startsWith('sqs:'));
  assert.ok(
    sqs.length > 0 && sqs.every((x) => x.resource.includes(id.erasuresQueue) && x.action !== 'sqs:ReceiveMessage'),
    "an erasure's first step, sent to the erasures queue, and nothing else of a queue",
  );
  assert.ok(!g.some((x) => x.action.startsWith('kms:')), 'listener has no key access');
});

test('function logs go to their own log groups with a retention', () => {
  const logGroups = template.findResources('AWS::Logs::LogGroup');
  for (const [name, fn] of fns) {
    const group = logGroups[logicalId(fn.logGroup)] as { Properties: { RetentionInDays?: number } } | undefined;
    assert.equal(group?.Properties.RetentionInDays, 30, name);
  }
});
