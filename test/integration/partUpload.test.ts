import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { uploadInParts } from '../../functions/adapters/partUpload.js';
import { type Emulators, localCredentials, localRegion, startEmulators } from '../../infra/local/emulators.js';

// S3's smallest part, as the worker uses.
const PART = 5 * 1024 * 1024;
let emulators: Emulators;
let s3: S3Client;
let n = 0;

before(async () => {
  emulators = await startEmulators();
  s3 = new S3Client({
    region: localRegion,
    credentials: localCredentials,
    endpoint: emulators.endpoints.s3,
    forcePathStyle: true,
  });
});

after(async () => {
  s3?.destroy();
  await emulators?.stop();
});

async function freshBucket(): Promise<string> {
  const name = `parts-${++n}`;
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** The bytes as a socket gives them: chunks of odd sizes that do not line up with parts. */
function chunked(bytes: Buffer, failAfter?: number): Readable {
  let at = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && at >= failAfter) return void this.destroy(new Error('origin went away'));
      if (at >= bytes.length) return void this.push(null);
      const size = 1 + ((at * 7919) % 100_000);
      this.push(bytes.subarray(at, at + size));
      at += size;
    },
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('a body of several parts is stored byte for byte, with its type, metadata and storage class', async () => {
  const bucket = await freshBucket();
  const bytes = randomBytes(2 * PART + 1234);
  await uploadInParts(
    s3,
    {
      Bucket: bucket,
      Key: 'a/big.mp3',
      ContentType: 'audio/mpeg',
      Metadata: { 'service-track-id': '7' },
      StorageClass: 'INTELLIGENT_TIERING',
    },
    chunked(bytes),
    { partBytes: PART, inFlight: 2 },
  );
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/big.mp3' }));
  const body = await got.Body!.transformToByteArray();
  assert.equal(body.length, bytes.length);
  assert.equal(sha(body), sha(bytes));
  assert.equal(got.ContentType, 'audio/mpeg');
  assert.equal(got.Metadata?.['service-track-id'], '7');
});

test('a body of exactly one part, and one smaller, are each one object', async () => {
  const bucket = await freshBucket();
  for (const [key, size] of [
    ['one.mp3', PART],
    ['small.mp3', 4321],
    ['empty.mp3', 0],
  ] as const) {
    const bytes = randomBytes(size);
    await uploadInParts(s3, { Bucket: bucket, Key: key, ContentType: 'audio/mpeg' }, chunked(bytes), {
      partBytes: PART,
      inFlight: 2,
    });
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(head.ContentLength, size, key);
    const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray();
    assert.equal(sha(body), sha(bytes), key);
  }
});

test('a body that breaks off after some parts leaves neither an object nor an unfinished upload', async () => {
  const bucket = await freshBucket();
  const bytes = randomBytes(4 * PART);
  await assert.rejects(
    uploadInParts(s3, { Bucket: bucket, Key: 'broken.mp3', ContentType: 'audio/mpeg' }, chunked(bytes, 3 * PART + 10), {
      partBytes: PART,
      inFlight: 2,
    }),
    /origin went away/,
  );
  await assert.rejects(
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'broken.mp3' })),
    (err: Error) => err.name === 'NotFound',
  );
  // The emulator refuses to delete a bucket while a multipart upload is open in it.
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
});
