import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { stagingPrefix } from '../../functions/resources.js';
import { defaultSettings } from '../../functions/settings.js';
import { logicalId, prodSettings, synthStack } from './stackFixture.js';

const { stack, template } = synthStack();
const media = logicalId(stack.storage.mediaBucket);
const accessLogs = logicalId(stack.storage.accessLogsBucket);

function bucket(id: string, synth = template): { Properties: Record<string, unknown>; DeletionPolicy?: string } {
  const found = synth.findResources('AWS::S3::Bucket')[id];
  assert.ok(found, `bucket ${id} is in the template`);
  return found as { Properties: Record<string, unknown>; DeletionPolicy?: string };
}

test('a media bucket and its access-log bucket, both private, SSE-S3, TLS only', () => {
  template.resourceCountIs('AWS::S3::Bucket', 2);
  for (const id of [media, accessLogs]) {
    const { Properties } = bucket(id);
    assert.deepEqual(Properties.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.deepEqual(Properties.BucketEncryption, {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    assert.equal(Properties.BucketName, undefined);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  }
});

test('the media bucket logs its accesses to the access-log bucket', () => {
  assert.deepEqual(bucket(media).Properties.LoggingConfiguration, {
    DestinationBucketName: { Ref: accessLogs },
    LogFilePrefix: 'media/',
  });
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: accessLogs },
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
        }),
      ]),
    },
  });
});

test('incomplete uploads are aborted, staging objects expire, replaced versions are kept 30 days', () => {
  const days = defaultSettings.retention.stagingDays;
  const rules = (bucket(media).Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules;
  assert.deepEqual(rules, [
    { Id: 'AbortIncompleteUploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: days }, Status: 'Enabled' },
    {
      Id: 'ExpireStaging',
      Prefix: stagingPrefix,
      ExpirationInDays: days,
      NoncurrentVersionExpiration: { NoncurrentDays: days },
      Status: 'Enabled',
    },
    {
      Id: 'ExpireNoncurrentVersions',
      NoncurrentVersionExpiration: { NoncurrentDays: defaultSettings.retention.noncurrentVersionDays },
      ExpiredObjectDeleteMarker: true,
      Status: 'Enabled',
    },
  ]);
});

test('the media bucket is versioned: a wrong delete or overwrite of a purchase can be undone', () => {
  assert.deepEqual(bucket(media).Properties.VersioningConfiguration, { Status: 'Enabled' });
  assert.equal(defaultSettings.retention.noncurrentVersionDays, 30);
});

test('dev buckets are deleted with the stack (when empty), prod buckets are retained', () => {
  assert.equal(bucket(media).DeletionPolicy, 'Delete');
  const prod = synthStack({ settings: prodSettings });
  for (const b of [prod.stack.storage.mediaBucket, prod.stack.storage.accessLogsBucket]) {
    assert.equal(bucket(logicalId(b), prod.template).DeletionPolicy, 'Retain');
  }
  // No auto-delete custom resource: emptying a bucket of users' music is never automatic.
  prod.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
});
