import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Denial, type IamProxy, startIamProxy } from '../../infra/local/asDeployed/iam/iamProxy.js';
import { type KmsStandIn, keyOfCiphertext, startKmsStandIn } from '../../infra/local/asDeployed/kmsStandIn.js';
import { type Emulators, localCredentials, localRegion, startEmulators } from '../../infra/local/emulators.js';

// The proxy in front of real emulators, called by the real SDK clients: allowed requests pass,
// refused ones come back as the SDK's AccessDenied errors of each service.

let emulators: Emulators;
let kms: KmsStandIn;
let proxy: IamProxy;
let keyId: string;
let queueUrl: string;
const denials: Denial[] = [];
const acct = '000000000000';
const cfg = { region: localRegion, credentials: localCredentials };

before(async () => {
  emulators = await startEmulators();
  kms = await startKmsStandIn({ region: localRegion, accountId: acct });
  keyId = kms.createKey();
  const admin = {
    ddb: new DynamoDBClient({ ...cfg, endpoint: emulators.endpoints.dynamodb }),
    s3: new S3Client({ ...cfg, endpoint: emulators.endpoints.s3, forcePathStyle: true }),
    sqs: new SQSClient({ ...cfg, endpoint: emulators.endpoints.sqs }),
  };
  await admin.ddb.send(
    new CreateTableCommand({
      TableName: 'tracks',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await admin.s3.send(new CreateBucketCommand({ Bucket: 'media' }));
  await admin.s3.send(new CreateBucketCommand({ Bucket: 'src' }));
  await admin.s3.send(new PutObjectCommand({ Bucket: 'src', Key: 'a.mp3', Body: 'abc' }));
  queueUrl = (await admin.sqs.send(new CreateQueueCommand({ QueueName: 'q' }))).QueueUrl!;
  proxy = await startIamProxy({
    functionName: 'fn',
    roleArn: `arn:aws:iam::${acct}:role/fn-role`,
    region: localRegion,
    accountId: acct,
    identity: [
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: `arn:aws:dynamodb:${localRegion}:${acct}:table/tracks` },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::media/users/*' },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:${localRegion}:${acct}:key/${keyId}` },
    ],
    resourcePolicy: (arn) =>
      arn.startsWith('arn:aws:kms:')
        ? {
            statements: [
              { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'kms:*', Resource: '*' },
            ],
            required: true,
          }
        : undefined,
    upstream: { ...emulators.endpoints, kms: kms.endpoint },
    keyOfCiphertext,
    onDenied: (d) => denials.push(d),
  });
  for (const c of Object.values(admin)) c.destroy();
});

after(async () => {
  await proxy?.stop();
  await kms?.stop();
  await emulators?.stop();
});

const via = { ...cfg, endpoint: '', maxAttempts: 1 };
const clients = () => {
  via.endpoint = proxy.endpoint;
  return {
    ddb: new DynamoDBClient(via),
    s3: new S3Client({ ...via, forcePathStyle: true }),
    sqs: new SQSClient({ ...via, useQueueUrlAsEndpoint: false }),
    kms: new KMSClient(via),
  };
};

test('granted requests pass through to the emulators', async () => {
  const c = clients();
  await c.ddb.send(new GetItemCommand({ TableName: 'tracks', Key: { pk: { S: 'x' } } }));
  await c.s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'users/u1/a.mp3', Body: 'hello' }));
  const got = await c.s3.send(new GetObjectCommand({ Bucket: 'media', Key: 'users/u1/a.mp3' }));
  assert.equal(await got.Body?.transformToString(), 'hello');
});

test('refusals come back in each service’s own AccessDenied format, and are reported', async () => {
  const c = clients();
  denials.length = 0;
  await assert.rejects(
    c.ddb.send(new PutItemCommand({ TableName: 'tracks', Item: { pk: { S: 'x' } } })),
    (e: Error) => e.name === 'AccessDeniedException' && /dynamodb:PutItem/.test(e.message),
  );
  await assert.rejects(
    c.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'm' })),
    (e: Error) => /AccessDenied/.test(e.name) && /sqs:SendMessage/.test(e.message),
  );
  await assert.rejects(
    c.s3.send(new PutObjectCommand({ Bucket: 'media', Key: 'staging/x', Body: 'b' })),
    (e: Error) => e.name === 'AccessDenied' && /s3:PutObject/.test(e.message),
  );
  // A server-side copy is refused for want of a read grant on the source, even with PutObject on the destination.
  await assert.rejects(
    c.s3.send(new CopyObjectCommand({ Bucket: 'media', Key: 'users/u1/b.mp3', CopySource: 'src/a.mp3' })),
    (e: Error) => e.name === 'AccessDenied',
  );
  assert.deepEqual(
    denials.map((d) => [d.function, d.action, d.resource]),
    [
      ['fn', 'dynamodb:PutItem', `arn:aws:dynamodb:${localRegion}:${acct}:table/tracks`],
      ['fn', 'sqs:SendMessage', `arn:aws:sqs:${localRegion}:${acct}:q`],
      ['fn', 's3:PutObject', 'arn:aws:s3:::media/staging/x'],
      ['fn', 's3:GetObject', 'arn:aws:s3:::src/a.mp3'],
    ],
  );
});

test('KMS: the stand-in seals and opens with the context bound; the role may Decrypt but not Encrypt', async () => {
  const operator = new KMSClient({ ...cfg, endpoint: kms.endpoint });
  const sealed = await operator.send(
    new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('whsec_1'), EncryptionContext: { storeId: 's1' } }),
  );
  const c = clients();
  const opened = await c.kms.send(
    new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { storeId: 's1' } }),
  );
  assert.equal(Buffer.from(opened.Plaintext!).toString(), 'whsec_1');
  await assert.rejects(
    c.kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { storeId: 's2' } })),
    (e: Error) => e.name === 'InvalidCiphertextException',
  );
  await assert.rejects(
    c.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })),
    (e: Error) => e.name === 'AccessDeniedException',
  );
  operator.destroy();
});
