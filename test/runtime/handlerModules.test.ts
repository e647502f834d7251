import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { openApiDocument } from '../../functions/api/openApi.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { defaultSettings } from '../../functions/settings.js';
import { answerContract } from '../../infra/local/httpApi/answerContract.js';
import { localContext } from '../../infra/local/lambdaContext.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { toSqsRecord } from '../../infra/local/sqsRecord.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { apiRequest } from '../support/apiRequest.js';
import { ack, receiveCount, receiveEvent } from '../support/receiveEvent.js';

// The Lambda entry points themselves (functions/handlers/*.ts), imported with nothing but an
// environment pointing at emulators this test starts, and invoked as Lambda invokes them.

type ApiModule = {
  handler: (e: ReturnType<typeof apiRequest>, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
};
type QueueModule = { handler: (e: SQSEvent, c: Context) => Promise<SQSBatchResponse> };

let stack: LocalStack;
let store: FakeStore;
const contract = answerContract(openApiDocument(defaultSettings));
let apiKey: string;
const lines: Record<string, unknown>[] = [];
const saved = { ...process.env };
const streams = [process.stdout, process.stderr] as const;
const writes = streams.map((s) => s.write);

before(async () => {
  stack = await startLocalStack({ pollers: false });
  store = await startFakeStore();
  const reg = await registerStore(stack.stores, {
    storeId: 'handler-store',
    callbackUrl: store.callbackUrl,
    allowOrigins: [store.originUrl],
  });
  store.secret = reg.signingSecret;
  apiKey = reg.apiKey;
  Object.assign(process.env, stack.env, { POWERTOOLS_LOG_LEVEL: 'INFO' });
  // The functions' JSON log lines (errors go to stderr), to check what each carries.
  streams.forEach((stream, i) => {
    const write = writes[i]!.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      for (const line of String(chunk).split('\n')) {
        if (line.startsWith('{"level"')) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      return write(chunk, ...rest);
    }) as typeof stream.write;
  });
});

after(async () => {
  for (const [i, stream] of streams.entries()) stream.write = writes[i]!;
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  await stack?.stop();
  await store?.close();
});

test('each handler module imports from its environment alone and serves a track from request to callback', async () => {
  const api = (await import('../../functions/handlers/api.js')) as ApiModule;
  const worker = (await import('../../functions/handlers/worker.js')) as QueueModule;
  const completion = (await import('../../functions/handlers/completion.js')) as QueueModule;
  const apiContext = localContext('trackdrop-api', stack.settings.functions.api);
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await api.handler(
      apiRequest(method, url, { apiKey, ...(body === undefined ? {} : { body }) }),
      apiContext,
    );
    // The module's answer, held to the contract as the local HTTP API holds every answer.
    const event = apiRequest(method, url);
    assert.equal(contract(event.routeKey, res), undefined);
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : undefined };
  };

  assert.equal((await call('PUT', '/v1/users/hu/licenses/1', {})).status, 201);
  const session = await call('POST', '/v1/downloads', { userId: 'hu' });
  assert.equal(session.status, 201);
  const cookie = String(session.body?.cookie);
  const trackUrl = store.addFile('h.mp3', makeMp3({ title: 'Handler', artist: 'Module', album: 'Test' }));
  const queued = await call('POST', `/v1/downloads/${cookie}/tracks`, {
    trackUrl,
    serviceTrackId: 1,
    downloadParams: 'p',
    hrDownload: 0,
  });
  assert.ok(
    queued.status !== undefined && queued.status < 300,
    `DownloadTrack answered ${queued.status} ${JSON.stringify(queued.body)}`,
  );

  const downloadsUrl = stack.provisioned.names.queueUrls.downloads;
  const work = await receiveEvent(stack.clients.sqs, downloadsUrl);
  const workerContext = localContext('trackdrop-worker', stack.settings.functions.worker);
  assert.deepEqual((await worker.handler(work, workerContext)).batchItemFailures, []);
  await ack(stack.clients.sqs, downloadsUrl, work);
  assert.equal((await stack.deps.worker.tracks.get(cookie, 1))?.state, 'stored');

  const completionsUrl = stack.provisioned.names.queueUrls.completions;
  const done = await receiveCount(stack.clients.sqs, completionsUrl, 2); // the session's Download event and the track's
  assert.deepEqual(
    (await completion.handler(done, localContext('trackdrop-completion', stack.settings.functions.completion)))
      .batchItemFailures,
    [],
  );
  await ack(stack.clients.sqs, completionsUrl, done);
  assert.equal((await stack.deps.worker.tracks.get(cookie, 1))?.state, 'completed');
  const told = store.events.find((e) => e.body.event === 'DownloadTrackComplete');
  assert.ok(told?.verified, 'the store got a DownloadTrackComplete signed with its secret');

  // Every line the worker logged for the invocation names it: request id, function, cold start.
  const stored = lines.find((l) => l.message === 'track stored');
  assert.ok(stored, 'the worker logged the stored track');
  assert.equal(stored.function_request_id, workerContext.awsRequestId);
  assert.equal(stored.function_name, 'trackdrop-worker');
  assert.equal(stored.cold_start, true, 'the first invocation of the container');
});

test('a handler module without its resource names fails at import, naming the variable', async () => {
  const { readFunctionEnv } = await import('../../functions/runtime/functionEnv.js');
  const env = { ...stack.env };
  delete env.TRACKDROP_MEDIA_BUCKET;
  assert.throws(() => readFunctionEnv(env, 'worker'), /TRACKDROP_MEDIA_BUCKET/);
  // The api reads the bucket's name (to refuse it as a track source), never the bucket itself.
  assert.throws(() => readFunctionEnv(env, 'api'), /TRACKDROP_MEDIA_BUCKET/);
  assert.doesNotThrow(() => readFunctionEnv(env, 'completion'), 'the completion function does not read the bucket');
});

test('both queue consumers log a poison message the same way, with its reason, and hand it back to the queue', async () => {
  const worker = (await import('../../functions/handlers/worker.js')) as QueueModule;
  const completion = (await import('../../functions/handlers/completion.js')) as QueueModule;
  const poison = (body: string, id: string): SQSEvent => ({
    Records: [
      toSqsRecord(
        { MessageId: id, ReceiptHandle: `rh-${id}`, Body: body, Attributes: { ApproximateReceiveCount: '2' } },
        'arn:aws:sqs:us-east-1:000000000000:q',
      ),
    ],
  });
  const cases = [
    { queue: 'downloads', handler: worker.handler, fn: 'trackdrop-worker', body: '{"cookie":"c"', reason: /not JSON/ },
    {
      queue: 'completions',
      handler: completion.handler,
      fn: 'trackdrop-completion',
      body: '{"kind":"track","cookie":""}',
      reason: /cookie|serviceTrackId/,
    },
  ] as const;
  for (const c of cases) {
    const id = `poison-${c.queue}`;
    const context = localContext(c.fn, stack.settings.functions.worker);
    const res = await c.handler(poison(c.body, id), context);
    assert.deepEqual(res.batchItemFailures, [{ itemIdentifier: id }], `${c.queue}: back to the queue, toward the DLQ`);
    const line = lines.find((l) => l.message === 'poison message' && l.messageId === id);
    assert.ok(line, `${c.queue}: logged`);
    assert.equal(line.queue, c.queue);
    assert.equal(line.receiveCount, 2);
    assert.match(String(line.reason), c.reason);
    assert.equal(line.function_request_id, context.awsRequestId);
  }
});
