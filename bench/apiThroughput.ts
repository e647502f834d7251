import autocannon, { type AutocannonResult } from 'autocannon';
import { registerStore } from '../functions/service/admin/registerStore.js';
import { defaultSettings } from '../functions/settings.js';
import { startHttpApi } from '../infra/local/httpApi/httpApi.js';
import { StoreClient } from '../testkit/storeClient.js';
import { startBenchStack } from './benchStack.js';
import { withEmulators } from './emulatorProcesses.js';
import { perTrack } from './requestCounts.js';

export interface ApiFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly averageMs: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface ApiResult {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly downloadTrack: ApiFigures;
  /** The same adapter and requests, with a handler that answers 202 at once. */
  readonly noopBaseline: ApiFigures;
  /** The per-store rate limit was lifted for the measurement. */
  readonly storeRateLimitLifted: true;
  /** AWS requests one DownloadTrack call makes (single route), by operation. */
  readonly awsRequestsPerCall: Record<string, number>;
}

/**
 * DownloadTrack through the sandbox's HTTP adapter (the API Gateway stand-in) over the real
 * handler and emulators in their own processes, each request a new serviceTrackId so every
 * call takes the full path (conditional put, enqueue); against a no-op handler on the same adapter.
 */
export async function apiThroughput(opts: {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}): Promise<ApiResult> {
  return withEmulators({}, async (emulators) => {
    // The per-store rate limit (settings.limits.storeRatePerSecond) is lifted: what is measured
    // is what the handler can do, not the limit it enforces.
    const settings = {
      ...defaultSettings,
      limits: { ...defaultSettings.limits, storeRatePerSecond: 1e9, storeBurst: 1e9 },
    };
    const stack = await startBenchStack({ endpoints: emulators.endpoints, pollers: false, settings });
    const noop = await startHttpApi({
      routes: [
        {
          routeKey: '$default',
          integration: async () => ({
            statusCode: 202,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ serviceTrackId: 0, state: 'queued' }),
          }),
        },
      ],
    });
    try {
      const reg = await registerStore(stack.stores, {
        storeId: 'bench-api',
        callbackUrl: 'http://127.0.0.1:9/callbacks',
        allowOrigins: ['s3://bench-sources'],
      });
      const client = new StoreClient(stack.api.url, reg.apiKey);
      const opened = await client.openSession('bench-user');
      if (opened.status !== 201) throw new Error(`openSession answered ${opened.status}`);
      const path = `/v1/downloads/${opened.body.cookie}/tracks`;
      let nextId = 1;
      const load = (url: string, seconds: number) =>
        autocannon({
          url,
          connections: opts.connections,
          duration: seconds,
          requests: [
            {
              method: 'POST',
              path,
              headers: { authorization: `Bearer ${reg.apiKey}`, 'content-type': 'application/json' },
              setupRequest: (req) => {
                const id = nextId++;
                return {
                  ...req,
                  body: JSON.stringify({
                    trackUrl: `s3://bench-sources/t/${id}.mp3`,
                    serviceTrackId: id,
                    downloadParams: `order=${id}`,
                    hrDownload: 0,
                  }),
                };
              },
            },
          ],
        });

      if (opts.warmupSeconds > 0) {
        await load(noop.url, opts.warmupSeconds);
        await load(stack.api.url, opts.warmupSeconds);
      }
      const baseline = figures(await load(noop.url, opts.durationSeconds));
      stack.counter.reset();
      const before = stack.timings.api.length;
      const measured = await load(stack.api.url, opts.durationSeconds);
      // Calls autocannon gave up on at the end still run to completion in the handler.
      await stack.settle(100);
      const calls = stack.timings.api.length - before;
      const result = figures(measured);
      if (result.non2xx > 0 || result.errors > 0)
        throw new Error(`DownloadTrack: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      return {
        connections: opts.connections,
        durationSeconds: opts.durationSeconds,
        storeRateLimitLifted: true,
        downloadTrack: result,
        noopBaseline: baseline,
        awsRequestsPerCall: perTrack(stack.counter.snapshot(), calls).byOperation,
      };
    } finally {
      await noop.close();
      await stack.stop();
    }
  });
}

function figures(r: AutocannonResult): ApiFigures {
  return {
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    averageMs: r.latency.average,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}
