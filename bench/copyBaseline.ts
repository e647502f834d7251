/**
 * Child process: the copy a user would write by hand, a plain lib-storage `Upload` (its default
 * 5 MiB parts, 4 in flight) of the HTTP response stream; prints its figures, peak RSS included,
 * as one JSON line. Run bundled by bench/copyThroughput.ts.
 * Arguments: <origin url> <s3 endpoint> <bucket> <key>
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

const [url = '', endpoint = '', bucket = '', key = ''] = process.argv.slice(2);
const startRss = process.memoryUsage().rss;
const s3 = new S3Client({
  region: 'us-east-1',
  endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

const t0 = performance.now();
const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(url, resolve).on('error', reject));
await new Upload({
  client: s3,
  params: { Bucket: bucket, Key: key, Body: res, ContentType: res.headers['content-type'] },
}).done();
const ms = performance.now() - t0;

process.stdout.write(
  `${JSON.stringify({ bytes: Number(res.headers['content-length'] ?? 0), ms, startRssKiB: Math.round(startRss / 1024), maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
process.exit(0);
