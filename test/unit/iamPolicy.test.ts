import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  evaluate,
  type Request,
  type Statement,
  UnsupportedPolicyError,
  wildcardMatch,
} from '../../infra/local/asDeployed/iam/policy.js';

const role = 'arn:aws:iam::000000000000:role/worker';
const req = (
  action: string,
  resource: string,
  context: Record<string, string> = { 'aws:SecureTransport': 'true' },
): Request => ({
  principalArn: role,
  accountId: '000000000000',
  action,
  resource,
  context,
});

const bucketGrant: Statement = {
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:PutObject'],
  Resource: 'arn:aws:s3:::media/users/*',
};
const tlsOnly: Statement = {
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 's3:*',
  Resource: ['arn:aws:s3:::media', 'arn:aws:s3:::media/*'],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

test('wildcards: * spans any run (slashes included), ? one character; actions ignore case', () => {
  assert.ok(wildcardMatch('arn:aws:s3:::media/users/*', 'arn:aws:s3:::media/users/u1/Music/a.mp3'));
  assert.ok(!wildcardMatch('arn:aws:s3:::media/users/*', 'arn:aws:s3:::media/staging/x'));
  assert.ok(wildcardMatch('s3:Get?bject', 's3:GetObject'));
  assert.deepEqual(
    evaluate(
      { identity: [{ Effect: 'Allow', Action: 'S3:getobject', Resource: '*' }] },
      req('s3:GetObject', 'arn:aws:s3:::x/y'),
    ).decision,
    'allowed',
  );
});

test('an identity grant allows only its actions on its resources', () => {
  assert.equal(
    evaluate({ identity: [bucketGrant] }, req('s3:PutObject', 'arn:aws:s3:::media/users/u1/a.mp3')).decision,
    'allowed',
  );
  const denied = evaluate({ identity: [bucketGrant] }, req('s3:DeleteObject', 'arn:aws:s3:::media/users/u1/a.mp3'));
  assert.equal(denied.decision, 'implicitDeny');
  assert.match(denied.reason, /no identity-based policy allows the s3:DeleteObject action/);
  assert.equal(
    evaluate({ identity: [bucketGrant] }, req('s3:PutObject', 'arn:aws:s3:::media/staging/a')).decision,
    'implicitDeny',
  );
});

test("the bucket policy's TLS-only Deny applies to plain HTTP and wins over any Allow", () => {
  const policies = { identity: [bucketGrant], resource: [tlsOnly] };
  assert.equal(evaluate(policies, req('s3:GetObject', 'arn:aws:s3:::media/users/a')).decision, 'allowed');
  assert.equal(
    evaluate(policies, req('s3:GetObject', 'arn:aws:s3:::media/users/a', { 'aws:SecureTransport': 'false' })).decision,
    'explicitDeny',
  );
});

test('NotAction and NotResource invert their match', () => {
  const s: Statement = {
    Effect: 'Deny',
    NotAction: 'sqs:SendMessage',
    NotResource: 'arn:aws:sqs:us-east-1:000000000000:a',
  };
  const allowAll: Statement = { Effect: 'Allow', Action: '*', Resource: '*' };
  assert.equal(
    evaluate({ identity: [allowAll, s] }, req('sqs:DeleteMessage', 'arn:aws:sqs:us-east-1:000000000000:b')).decision,
    'explicitDeny',
  );
  assert.equal(
    evaluate({ identity: [allowAll, s] }, req('sqs:SendMessage', 'arn:aws:sqs:us-east-1:000000000000:b')).decision,
    'allowed',
  );
  assert.equal(
    evaluate({ identity: [allowAll, s] }, req('sqs:DeleteMessage', 'arn:aws:sqs:us-east-1:000000000000:a')).decision,
    'allowed',
  );
});

test('a KMS key policy naming the account root hands the decision to the identity policies', () => {
  const key = 'arn:aws:kms:us-east-1:000000000000:key/k1';
  const keyPolicy: Statement[] = [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'kms:*', Resource: '*' },
  ];
  const decrypt: Statement = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key };
  assert.equal(
    evaluate({ identity: [decrypt], resource: keyPolicy, resourcePolicyRequired: true }, req('kms:Decrypt', key))
      .decision,
    'allowed',
  );
  assert.equal(
    evaluate({ identity: [decrypt], resource: keyPolicy, resourcePolicyRequired: true }, req('kms:Encrypt', key))
      .decision,
    'implicitDeny',
  );
  // Without a key policy allowing it, an identity grant alone is not enough.
  assert.equal(
    evaluate({ identity: [decrypt], resource: [], resourcePolicyRequired: true }, req('kms:Decrypt', key)).decision,
    'implicitDeny',
  );
});

test('a resource policy naming the caller allows without an identity grant; a service principal does not', () => {
  const r = 'arn:aws:sqs:us-east-1:000000000000:q';
  assert.equal(
    evaluate(
      {
        identity: [],
        resource: [{ Effect: 'Allow', Principal: { AWS: role }, Action: 'sqs:SendMessage', Resource: r }],
      },
      req('sqs:SendMessage', r),
    ).decision,
    'allowed',
  );
  assert.equal(
    evaluate(
      {
        identity: [],
        resource: [
          { Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: r },
        ],
      },
      req('sqs:SendMessage', r),
    ).decision,
    'implicitDeny',
  );
});

test('conditions: missing keys fail positive operators and pass negated ones; IfExists skips them', () => {
  const allow = (Condition: Statement['Condition']): Statement => ({
    Effect: 'Allow',
    Action: '*',
    Resource: '*',
    Condition,
  });
  const r = req('s3:GetObject', 'arn:aws:s3:::b/k', {});
  assert.equal(
    evaluate({ identity: [allow({ StringEquals: { 'aws:SourceAccount': '1' } })] }, r).decision,
    'implicitDeny',
  );
  assert.equal(
    evaluate({ identity: [allow({ StringNotEquals: { 'aws:SourceAccount': '1' } })] }, r).decision,
    'allowed',
  );
  assert.equal(
    evaluate({ identity: [allow({ StringEqualsIfExists: { 'aws:SourceAccount': '1' } })] }, r).decision,
    'allowed',
  );
  assert.equal(
    evaluate(
      { identity: [allow({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/w*' } })] },
      req('s3:GetObject', 'x', { 'aws:PrincipalArn': role }),
    ).decision,
    'allowed',
  );
  assert.throws(
    () => evaluate({ identity: [allow({ DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } })] }, r),
    UnsupportedPolicyError,
  );
});
