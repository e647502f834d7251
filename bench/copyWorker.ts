/**
 * Child process: one HTTP-source copy exactly as the worker's copyTrack does it (fetchOrigin →
 * HashingMeter → MediaStore.uploadStream, through a PassThrough), then prints its own figures,
 * peak RSS included, as one JSON line. Run bundled by bench/copyThroughput.ts.
 * Arguments: <origin url> <s3 endpoint> <bucket> <key>
 */
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { createClients } from '../functions/adapters/clients.js';
import { HashingMeter } from '../functions/adapters/hashingMeter.js';
import { MediaStore } from '../functions/adapters/mediaStore.js';
import { fetchOrigin } from '../functions/adapters/originFetcher.js';
import { defaultSettings } from '../functions/settings.js';

const [url = '', endpoint = '', bucket = '', key = ''] = process.argv.slice(2);
const startRss = process.memoryUsage().rss;
const limits = defaultSettings.limits;
const clients = createClients({}, { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, endpoints: { s3: endpoint } });
const media = new MediaStore(clients.s3, bucket);

const t0 = performance.now();
const source = new URL(url);
const res = await fetchOrigin(source, {
  allowOrigins: [source.origin],
  maxRedirects: limits.maxRedirects,
  timeoutMs: limits.originTimeoutSeconds * 1000,
  maxBytes: limits.maxTrackBytes,
});
const meter = new HashingMeter(limits.maxTrackBytes, res.contentLength);
const body = new PassThrough();
await Promise.all([pipeline(res.body, meter, body), media.uploadStream(key, body, res.contentType)]);
const ms = performance.now() - t0;
const sha256 = meter.digest();

process.stdout.write(
  `${JSON.stringify({ bytes: meter.bytes, ms, sha256, startRssKiB: Math.round(startRss / 1024), maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
process.exit(0);
