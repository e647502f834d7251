/**
 * Maps one AWS API request, as the SDK sends it over the wire, to the IAM action(s) and resource
 * ARN(s) AWS authorizes it by. Each entry follows the service authorization reference: a
 * BatchWriteItem is `dynamodb:BatchWriteItem` on every table it names, a Query on an index is
 * authorized on the index ARN, a CopyObject needs `s3:GetObject` on the source and `s3:PutObject`
 * on the destination, an SQS call on a queue URL is authorized on the queue's ARN.
 */

export type Service = 'dynamodb' | 'sqs' | 's3' | 'kms';

export interface WireRequest {
  readonly service: Service;
  readonly method: string;
  /** Path and query as sent, e.g. `/bucket/key?uploadId=1&partNumber=2`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body, for JSON protocols and S3's multi-object delete; absent for streamed uploads. */
  readonly body?: Buffer | undefined;
}

export interface Authorization {
  readonly action: string;
  readonly resource: string;
}

export interface Scope {
  readonly region: string;
  readonly accountId: string;
  /** The key a KMS ciphertext was sealed under (Decrypt names no key). */
  readonly keyOfCiphertext?: (blob: Buffer) => string | undefined;
}

export class UnmappedRequestError extends Error {
  override readonly name = 'UnmappedRequestError';
}

export function authorizationsFor(req: WireRequest, scope: Scope): Authorization[] {
  switch (req.service) {
    case 'dynamodb':
      return dynamodb(req, scope);
    case 'sqs':
      return sqs(req, scope);
    case 's3':
      return s3(req);
    case 'kms':
      return kms(req, scope);
  }
}

function header(req: WireRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function jsonBody(req: WireRequest): Record<string, unknown> {
  if (!req.body || req.body.length === 0) return {};
  return JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
}

function target(req: WireRequest): string {
  const t = header(req, 'x-amz-target');
  if (!t) throw new UnmappedRequestError(`${req.service} request without X-Amz-Target`);
  return t.slice(t.indexOf('.') + 1);
}

// ---- DynamoDB (JSON 1.0) ----

function dynamodb(req: WireRequest, scope: Scope): Authorization[] {
  const op = target(req);
  const body = jsonBody(req);
  const table = (name: unknown) => `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${String(name)}`;
  switch (op) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys((body.RequestItems as Record<string, unknown>) ?? {}).map((t) => ({
        action: `dynamodb:${op}`,
        resource: table(t),
      }));
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const perItem: Record<string, string> = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
        Get: 'GetItem',
      };
      const out: Authorization[] = [];
      for (const item of (body.TransactItems as Record<string, { TableName: string }>[]) ?? []) {
        for (const [kind, spec] of Object.entries(item))
          out.push({ action: `dynamodb:${perItem[kind] ?? kind}`, resource: table(spec.TableName) });
      }
      return out;
    }
    case 'ListTables':
      return [{ action: 'dynamodb:ListTables', resource: '*' }];
    default: {
      if (typeof body.TableName !== 'string') throw new UnmappedRequestError(`dynamodb ${op} without TableName`);
      const arn = table(body.TableName);
      return [
        {
          action: `dynamodb:${op}`,
          resource: typeof body.IndexName === 'string' ? `${arn}/index/${body.IndexName}` : arn,
        },
      ];
    }
  }
}

// ---- SQS (JSON protocol, or the older query protocol) ----

const sqsBatch: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` (or any host) → the queue's ARN. */
export function queueArnOfUrl(url: string, scope: Scope): string {
  // Not `new URL`: emulators hand out hosts such as `sqs.us-east-1.127.0.0.1:port`, which WHATWG refuses.
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0] ?? '';
  const parts = path.split('/').filter(Boolean);
  // `<account>/<name>`, or a bare name in the scope's own account.
  const name = parts.at(-1) ?? '';
  const account = (parts.length >= 2 ? parts.at(-2) : undefined) ?? scope.accountId;
  return `arn:aws:sqs:${scope.region}:${account}:${name}`;
}

function sqs(req: WireRequest, scope: Scope): Authorization[] {
  let op: string;
  let params: Record<string, unknown>;
  if (header(req, 'x-amz-target')) {
    op = target(req);
    params = jsonBody(req);
  } else {
    const form = new URLSearchParams(req.body?.toString('utf8') ?? new URL(req.url, 'http://x').search);
    op = form.get('Action') ?? '';
    params = Object.fromEntries(form);
  }
  const action = `sqs:${sqsBatch[op] ?? op}`;
  if (op === 'ListQueues') return [{ action, resource: `arn:aws:sqs:${scope.region}:${scope.accountId}:*` }];
  if (op === 'GetQueueUrl' || op === 'CreateQueue') {
    const account = typeof params.QueueOwnerAWSAccountId === 'string' ? params.QueueOwnerAWSAccountId : scope.accountId;
    return [{ action, resource: `arn:aws:sqs:${scope.region}:${account}:${String(params.QueueName)}` }];
  }
  if (typeof params.QueueUrl !== 'string') throw new UnmappedRequestError(`sqs ${op} without QueueUrl`);
  return [{ action, resource: queueArnOfUrl(params.QueueUrl, scope) }];
}

// ---- S3 (REST, path-style) ----

function s3(req: WireRequest): Authorization[] {
  const url = new URL(req.url, 'http://local');
  const [, bucket = '', ...rest] = url.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  const q = url.searchParams;
  const bucketArn = `arn:aws:s3:::${decodeURIComponent(bucket)}`;
  const objectArn = `${bucketArn}/${key}`;
  const m = req.method.toUpperCase();
  const a = (action: string, resource = objectArn): Authorization => ({ action: `s3:${action}`, resource });
  if (!bucket) return [a('ListAllMyBuckets', '*')];
  if (!key) {
    // Bucket-level calls.
    if (q.has('delete') && m === 'POST') return multiDelete(req, bucketArn);
    if (q.has('lifecycle'))
      return [a(m === 'GET' ? 'GetLifecycleConfiguration' : 'PutLifecycleConfiguration', bucketArn)];
    if (q.has('policy'))
      return [
        a(m === 'GET' ? 'GetBucketPolicy' : m === 'DELETE' ? 'DeleteBucketPolicy' : 'PutBucketPolicy', bucketArn),
      ];
    if (q.has('uploads')) return [a('ListBucketMultipartUploads', bucketArn)];
    if (q.has('versions')) return [a('ListBucketVersions', bucketArn)];
    if (q.has('location')) return [a('GetBucketLocation', bucketArn)];
    if (m === 'PUT') return [a('CreateBucket', bucketArn)];
    if (m === 'DELETE') return [a('DeleteBucket', bucketArn)];
    // ListObjects(V2) and HeadBucket.
    return [a('ListBucket', bucketArn)];
  }
  const copySource = header(req, 'x-amz-copy-source');
  const versioned = (base: string, has: boolean) => (has ? `${base}Version` : base);
  switch (m) {
    case 'GET':
    case 'HEAD':
      if (q.has('uploadId')) return [a('ListMultipartUploadParts')];
      if (q.has('tagging')) return [a(versioned('GetObjectTagging', q.has('versionId')))];
      if (q.has('acl')) return [a(versioned('GetObjectAcl', q.has('versionId')))];
      if (q.has('attributes')) return [a(versioned('GetObjectAttributes', q.has('versionId')))];
      return [a(versioned('GetObject', q.has('versionId')))];
    case 'PUT': {
      if (q.has('tagging')) return [a(versioned('PutObjectTagging', q.has('versionId')))];
      if (q.has('acl')) return [a('PutObjectAcl')];
      const out = [a('PutObject')];
      // UploadPartCopy and CopyObject read their source: GetObject (or its version) on it.
      if (copySource) out.push(sourceRead(copySource));
      if (header(req, 'x-amz-tagging') !== undefined && !q.has('uploadId')) out.push(a('PutObjectTagging'));
      if (header(req, 'x-amz-acl') !== undefined) out.push(a('PutObjectAcl'));
      return out;
    }
    case 'POST':
      // CreateMultipartUpload (?uploads) and CompleteMultipartUpload (?uploadId) are PutObject.
      if (q.has('uploads') || q.has('uploadId')) {
        const out = [a('PutObject')];
        if (q.has('uploads') && header(req, 'x-amz-tagging') !== undefined) out.push(a('PutObjectTagging'));
        return out;
      }
      if (q.has('restore')) return [a('RestoreObject')];
      throw new UnmappedRequestError(`s3 POST ${url.pathname}${url.search}`);
    case 'DELETE':
      if (q.has('uploadId')) return [a('AbortMultipartUpload')];
      if (q.has('tagging')) return [a(versioned('DeleteObjectTagging', q.has('versionId')))];
      return [a(versioned('DeleteObject', q.has('versionId')))];
  }
  throw new UnmappedRequestError(`s3 ${m} ${url.pathname}${url.search}`);
}

/** `x-amz-copy-source: bucket/key[?versionId=v]`, URL-encoded. */
function sourceRead(copySource: string): Authorization {
  const [path = '', query = ''] = copySource.split('?');
  const source = decodeURIComponent(path.replace(/^\//, ''));
  const versioned = new URLSearchParams(query).has('versionId');
  return { action: versioned ? 's3:GetObjectVersion' : 's3:GetObject', resource: `arn:aws:s3:::${source}` };
}

/** DeleteObjects is authorized as s3:DeleteObject on every key it names, s3:DeleteObjectVersion for one named with its version. */
function multiDelete(req: WireRequest, bucketArn: string): Authorization[] {
  const xml = req.body?.toString('utf8') ?? '';
  return [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map((o) => {
    const body = o[1] ?? '';
    const key = unescapeXml(/<Key>([\s\S]*?)<\/Key>/.exec(body)?.[1] ?? '');
    const action = /<VersionId>/.test(body) ? 's3:DeleteObjectVersion' : 's3:DeleteObject';
    return { action, resource: `${bucketArn}/${key}` };
  });
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

// ---- KMS (JSON 1.1) ----

function kms(req: WireRequest, scope: Scope): Authorization[] {
  const op = target(req);
  const body = jsonBody(req);
  const keyArn = (id: string) =>
    id.startsWith('arn:')
      ? id
      : `arn:aws:kms:${scope.region}:${scope.accountId}:${id.startsWith('alias/') ? id : `key/${id}`}`;
  let keyId = typeof body.KeyId === 'string' ? body.KeyId : undefined;
  if (!keyId && typeof body.CiphertextBlob === 'string')
    keyId = scope.keyOfCiphertext?.(Buffer.from(body.CiphertextBlob, 'base64'));
  if (!keyId) throw new UnmappedRequestError(`kms ${op} names no key`);
  return [{ action: `kms:${op}`, resource: keyArn(keyId) }];
}
