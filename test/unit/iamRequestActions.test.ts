import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorizationsFor, type WireRequest } from '../../infra/local/asDeployed/iam/requestActions.js';
import { keyOfCiphertext } from '../../infra/local/asDeployed/kmsStandIn.js';

const scope = { region: 'us-east-1', accountId: '000000000000', keyOfCiphertext };
const table = (t: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${t}`;
const ddb = (op: string, body: unknown): WireRequest => ({
  service: 'dynamodb',
  method: 'POST',
  url: '/',
  headers: { 'x-amz-target': `DynamoDB_20120810.${op}` },
  body: Buffer.from(JSON.stringify(body)),
});
const s3 = (method: string, url: string, headers: Record<string, string> = {}, body?: string): WireRequest => ({
  service: 's3',
  method,
  url,
  headers,
  body: body === undefined ? undefined : Buffer.from(body),
});

test('DynamoDB: by X-Amz-Target and TableName; an index query on the index ARN; batches per table', () => {
  assert.deepEqual(authorizationsFor(ddb('GetItem', { TableName: 'a' }), scope), [
    { action: 'dynamodb:GetItem', resource: table('a') },
  ]);
  assert.deepEqual(authorizationsFor(ddb('Query', { TableName: 'a', IndexName: 'byUser' }), scope), [
    { action: 'dynamodb:Query', resource: `${table('a')}/index/byUser` },
  ]);
  assert.deepEqual(authorizationsFor(ddb('BatchWriteItem', { RequestItems: { a: [], b: [] } }), scope), [
    { action: 'dynamodb:BatchWriteItem', resource: table('a') },
    { action: 'dynamodb:BatchWriteItem', resource: table('b') },
  ]);
  assert.deepEqual(
    authorizationsFor(
      ddb('TransactWriteItems', {
        TransactItems: [{ Put: { TableName: 'a' } }, { ConditionCheck: { TableName: 'b' } }],
      }),
      scope,
    ),
    [
      { action: 'dynamodb:PutItem', resource: table('a') },
      { action: 'dynamodb:ConditionCheckItem', resource: table('b') },
    ],
  );
});

test('SQS: a queue URL (even an emulator host WHATWG refuses) maps to its ARN; batch calls to their base action', () => {
  const req: WireRequest = {
    service: 'sqs',
    method: 'POST',
    url: '/',
    headers: { 'x-amz-target': 'AmazonSQS.DeleteMessageBatch' },
    body: Buffer.from(
      JSON.stringify({ QueueUrl: 'http://sqs.us-east-1.127.0.0.1:4566/000000000000/downloads', Entries: [] }),
    ),
  };
  assert.deepEqual(authorizationsFor(req, scope), [
    { action: 'sqs:DeleteMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:downloads' },
  ]);
});

test('S3: objects, ListObjectsV2 and HeadBucket on the bucket, multipart steps, tagging', () => {
  const obj = 'arn:aws:s3:::media/users/u1/a b.mp3';
  assert.deepEqual(authorizationsFor(s3('GET', '/media/users/u1/a%20b.mp3'), scope), [
    { action: 's3:GetObject', resource: obj },
  ]);
  assert.deepEqual(authorizationsFor(s3('HEAD', '/media/users/u1/a%20b.mp3'), scope), [
    { action: 's3:GetObject', resource: obj },
  ]);
  assert.deepEqual(authorizationsFor(s3('GET', '/media?list-type=2&prefix=users%2F'), scope), [
    { action: 's3:ListBucket', resource: 'arn:aws:s3:::media' },
  ]);
  assert.deepEqual(authorizationsFor(s3('HEAD', '/media'), scope), [
    { action: 's3:ListBucket', resource: 'arn:aws:s3:::media' },
  ]);
  assert.deepEqual(authorizationsFor(s3('POST', '/media/staging/x?uploads'), scope), [
    { action: 's3:PutObject', resource: 'arn:aws:s3:::media/staging/x' },
  ]);
  assert.deepEqual(authorizationsFor(s3('PUT', '/media/staging/x?partNumber=1&uploadId=u'), scope), [
    { action: 's3:PutObject', resource: 'arn:aws:s3:::media/staging/x' },
  ]);
  assert.deepEqual(authorizationsFor(s3('DELETE', '/media/staging/x?uploadId=u'), scope), [
    { action: 's3:AbortMultipartUpload', resource: 'arn:aws:s3:::media/staging/x' },
  ]);
  assert.deepEqual(authorizationsFor(s3('PUT', '/media/k', { 'x-amz-tagging': 'a=b' }), scope), [
    { action: 's3:PutObject', resource: 'arn:aws:s3:::media/k' },
    { action: 's3:PutObjectTagging', resource: 'arn:aws:s3:::media/k' },
  ]);
});

test('S3 CopyObject needs s3:GetObject on the source (its version when named) and s3:PutObject on the destination', () => {
  assert.deepEqual(
    authorizationsFor(s3('PUT', '/media/users/u1/a.mp3', { 'x-amz-copy-source': 'src/catalog/1%20x.mp3' }), scope),
    [
      { action: 's3:PutObject', resource: 'arn:aws:s3:::media/users/u1/a.mp3' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::src/catalog/1 x.mp3' },
    ],
  );
  assert.deepEqual(authorizationsFor(s3('PUT', '/media/k', { 'x-amz-copy-source': '/src/k?versionId=3' }), scope)[1], {
    action: 's3:GetObjectVersion',
    resource: 'arn:aws:s3:::src/k',
  });
});

test('S3 DeleteObjects is s3:DeleteObject on each key it names', () => {
  const xml = '<Delete><Object><Key>users/a&amp;b</Key></Object><Object><Key>staging/c</Key></Object></Delete>';
  assert.deepEqual(authorizationsFor(s3('POST', '/media?delete', {}, xml), scope), [
    { action: 's3:DeleteObject', resource: 'arn:aws:s3:::media/users/a&b' },
    { action: 's3:DeleteObject', resource: 'arn:aws:s3:::media/staging/c' },
  ]);
});

test('S3 DeleteObjects of a version is s3:DeleteObjectVersion on that key', () => {
  const xml =
    '<Delete><Object><Key>users/u/a.mp3</Key><VersionId>v1</VersionId></Object><Object><Key>users/u/b.mp3</Key></Object></Delete>';
  assert.deepEqual(authorizationsFor(s3('POST', '/media?delete', {}, xml), scope), [
    { action: 's3:DeleteObjectVersion', resource: 'arn:aws:s3:::media/users/u/a.mp3' },
    { action: 's3:DeleteObject', resource: 'arn:aws:s3:::media/users/u/b.mp3' },
  ]);
});
