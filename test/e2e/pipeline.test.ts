import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { twentyCallSession } from './twentyCallSession.js';

let stack: LocalStack;
let store: FakeStore;

/** dynalite always; AWS's own DynamoDB Local too wherever Java is installed (as in CI). */
const hasJava = (() => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const backends = (['dynalite', 'dynamodb-local'] as const).filter((b) => b === 'dynalite' || hasJava);

/** The 20-call session against a local stack started with `opts`. */
function sessionOn(name: string, opts: Parameters<typeof startLocalStack>[0]): void {
  describe(name, () => {
    before(async () => {
      stack = await startLocalStack(opts);
      store = await startFakeStore();
    });

    after(async () => {
      await stack?.stop();
      await store?.close();
    });

    test('a session of 20 DownloadTrack calls ends with files, library rows and signed callbacks', async () => {
      await twentyCallSession(
        { apiUrl: stack.api.url, s3: stack.clients.s3, bucket: stack.provisioned.names.bucket, stores: stack.stores },
        store,
      );
    });

    test('its event sources counted the invocations and went idle', async () => {
      const { downloads, completions } = stack.pollers;
      for (let i = 0; i < 200 && !(downloads.idle && completions.idle); i++)
        await new Promise((r) => setTimeout(r, 25));
      assert.ok(downloads.idle && completions.idle, 'both event sources idle once the session is told');
      assert.ok(
        downloads.stats.records > 0 && completions.stats.records > 0,
        JSON.stringify({ downloads: downloads.stats, completions: completions.stats }),
      );
    });
  });
}

for (const dynamo of backends) sessionOn(`on ${dynamo}`, { dynamo });

// The scale benchmark runs the api, the worker and the completion function each in a thread of
// its own, built there from its environment alone: the same session must end the same way.
sessionOn('with each function in a thread of its own', { host: { kind: 'threads' } });
