import assert from 'node:assert/strict';
import { test } from 'node:test';
import { App } from 'aws-cdk-lib';
import { readSourceBuckets, readStage, stackName } from '../../infra/cdk/appContext.js';
import { outputNames } from '../../infra/cdk/outputNames.js';
import { prodSettings, synthStack } from './stackFixture.js';

const dev = synthStack();
const prod = synthStack({ settings: prodSettings });

test('outputs carry everything the operator CLI reads back, under their shared names', () => {
  assert.deepEqual(Object.keys(dev.template.findOutputs('*')).sort(), Object.values(outputNames).sort());
  dev.template.hasOutput(outputNames.apiUrl, {});
});

test('prod retains every stateful resource; dev deletes them', () => {
  const stateful = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup'];
  for (const type of stateful) {
    for (const r of Object.values(prod.template.findResources(type))) {
      assert.equal((r as { DeletionPolicy?: string }).DeletionPolicy, 'Retain', type);
    }
    for (const r of Object.values(dev.template.findResources(type))) {
      assert.equal((r as { DeletionPolicy?: string }).DeletionPolicy, 'Delete', type);
    }
  }
  prod.template.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
});

const appWith = (context: Record<string, unknown>): App => new App({ context });

test('context: stage defaults to dev and accepts only dev or prod', () => {
  assert.equal(readStage(appWith({})), 'dev');
  assert.equal(readStage(appWith({ stage: 'prod' })), 'prod');
  assert.throws(() => readStage(appWith({ stage: 'staging' })), /"stage" must be/);
  assert.equal(stackName('prod'), 'trackdrop-prod');
});

test('context: sourceBuckets from cdk.json (array) or the command line (comma list), names checked', () => {
  assert.deepEqual(readSourceBuckets(appWith({})), []);
  assert.deepEqual(readSourceBuckets(appWith({ sourceBuckets: ['a-store-catalog'] })), ['a-store-catalog']);
  const fromCommandLine = appWith({ sourceBuckets: 'one-bucket, two.bucket' });
  assert.deepEqual(readSourceBuckets(fromCommandLine), ['one-bucket', 'two.bucket']);
  assert.deepEqual(readSourceBuckets(appWith({ sourceBuckets: '' })), []);
  assert.throws(() => readSourceBuckets(appWith({ sourceBuckets: ['*'] })), /not a valid S3 bucket name/);
  assert.throws(() => readSourceBuckets(appWith({ sourceBuckets: ['ok-bucket/prefix'] })), /not a valid/);
  assert.throws(() => readSourceBuckets(appWith({ sourceBuckets: { a: 1 } })), /must be an array/);
});
