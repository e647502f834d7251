import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { QueueShape, TableShape } from '../../functions/resources.js';
import type { TrackdropFunction } from './TrackdropFunction.js';

/**
 * Each binding gives a function one resource: the variable through which the function finds it
 * and the grant to use it, in one call, so neither comes without the other. The function's
 * declared environment (functions/runtime/functionEnv.ts) is checked against what was bound.
 */
export function bindTable(
  fn: TrackdropFunction,
  table: ITable,
  shape: TableShape,
  access: 'read' | 'readAndPut' | 'readWrite',
): void {
  fn.addEnvironment(shape.env, table.tableName);
  if (access === 'readWrite') table.grantReadWriteData(fn);
  else table.grantReadData(fn);
  // Reads and one kind of write: PutItem (the listener's erasure record), no update or delete.
  if (access === 'readAndPut') table.grant(fn, 'dynamodb:PutItem');
}

/**
 * A queue the function sends to (`send`), and/or (`delay`) whose received messages it hides for
 * a while: the completion function's callback backoff. Receiving itself comes with the event source.
 */
export function bindQueue(
  fn: TrackdropFunction,
  queue: IQueue,
  shape: QueueShape,
  ...access: readonly ('send' | 'delay')[]
): void {
  fn.addEnvironment(shape.env, queue.queueUrl);
  if (access.includes('send')) queue.grantSendMessages(fn);
  if (access.includes('delay')) queue.grant(fn, 'sqs:ChangeMessageVisibility');
}

/** A bucket, with object statements the caller scopes (prefixes) rather than a whole-bucket grant. */
export function bindBucket(
  fn: TrackdropFunction,
  bucket: IBucket,
  env: string,
  statements: readonly PolicyStatement[],
): void {
  fn.addEnvironment(env, bucket.bucketName);
  for (const s of statements) fn.addToRolePolicy(s);
}

/** The KMS key that opens stores' signing secrets. */
export function bindDecryptKey(fn: TrackdropFunction, key: IKey, env: string): void {
  fn.addEnvironment(env, key.keyId);
  key.grantDecrypt(fn);
}
