/**
 * Child process: one HTTP-source copy by the worker's own code: its dependencies built by
 * workerDepsFromEnv from an environment naming the bench bucket and the S3 emulator, the
 * origin fetched by the worker's fetchOrigin with its limits, the body streamed by copyTrack's
 * streamToBucket (HashingMeter → MediaStore.uploadStream). Prints its own figures, peak RSS
 * included, as one JSON line. Run bundled by bench/copyThroughput.ts.
 * Arguments: <origin url> <s3 endpoint> <bucket> <key>
 */
import { performance } from 'node:perf_hooks';
import { bucket as bucketShape, queues, tables } from '../functions/resources.js';
import { workerDepsFromEnv } from '../functions/runtime/workerDepsFromEnv.js';
import { streamToBucket } from '../functions/service/worker/copyTrack.js';

const [url = '', endpoint = '', bucket = '', key = ''] = process.argv.slice(2);
const startRss = process.memoryUsage().rss;
const env: NodeJS.ProcessEnv = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_ENDPOINT_URL_S3: endpoint,
  [bucketShape.env]: bucket,
  // Named but not touched by a copy: the worker reads them at cold start.
  ...Object.fromEntries(Object.values(tables).map((t) => [t.env, t.name])),
  ...Object.fromEntries(Object.values(queues).map((q) => [q.env, `http://127.0.0.1:1/000000000000/${q.name}`])),
  POWERTOOLS_METRICS_DISABLED: 'true',
};
const deps = workerDepsFromEnv(env);
const limits = deps.settings.limits;

const t0 = performance.now();
const source = new URL(url);
const res = await deps.fetchOrigin(source, {
  allowOrigins: [source.origin],
  maxRedirects: limits.maxRedirects,
  timeoutMs: limits.originTimeoutSeconds * 1000,
  maxBytes: limits.maxTrackBytes,
});
const sent = await streamToBucket(deps, res.body, res, key, {}, 'application/octet-stream');
const ms = performance.now() - t0;

process.stdout.write(
  `${JSON.stringify({ bytes: sent.bytes, ms, sha256: sent.sha256, startRssKiB: Math.round(startRss / 1024), maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
process.exit(0);
