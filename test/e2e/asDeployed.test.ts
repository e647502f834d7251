import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startAsDeployedStack, type AsDeployedStack } from '../../infra/local/asDeployed/asDeployedStack.js';
import type { CloudAssembly } from '../../infra/local/asDeployed/cloudAssembly.js';
import { startFakeStore, type FakeStore } from '../../infra/local/fakeStore.js';
import { asDeployedTarget, synthForTests } from './asDeployedTarget.js';
import { twentyCallSession } from './twentyCallSession.js';

// The same 20-call session as pipeline.test.ts, on what `cdk synth` produced: the bundles in
// Node.js 24 containers, the template's environment, routes, event sources and IAM policies.

let synth: { assembly: CloudAssembly; cleanup(): void };
let stack: AsDeployedStack;
let store: FakeStore;

describe('as deployed', () => {
  before(async () => {
    synth = await synthForTests();
    stack = await startAsDeployedStack({ assembly: synth.assembly });
    store = await startFakeStore();
  });

  after(async () => {
    await stack?.stop();
    await store?.close();
    synth?.cleanup();
  });

  test('the bundles run on the runtime the template names', () => {
    for (const fn of stack.functions.values()) {
      assert.equal(fn.runner.spec.runtime, 'nodejs24.x');
      assert.ok(fn.runner.exactRuntime, `${fn.logicalId} runs on Node.js ${process.versions.node}, not 24`);
    }
  });

  test("the listener routes sit behind the template's JWT authorizer: no token reaches the listener function unchecked", async () => {
    const res = await fetch(`${stack.api.url}/v1/me/library`, { headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { message: 'Unauthorized' });
    const listener = [...stack.functions.values()].find((f) => f.logicalId.startsWith('FunctionsListener'));
    assert.ok(listener, 'the template has the listener function');
    assert.equal(listener.runner.stats.invocations, 0);
  });

  test('a session of 20 DownloadTrack calls ends as in source mode, with no request refused by IAM', async () => {
    await twentyCallSession(asDeployedTarget(stack), store);
    assert.deepEqual(stack.denials, []);
  });
});
