import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { type AsDeployedStack, startAsDeployedStack } from '../../infra/local/asDeployed/asDeployedStack.js';
import type { CloudAssembly } from '../../infra/local/asDeployed/cloudAssembly.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { asDeployedTarget, synthForTests } from './asDeployedTarget.js';
import { twentyCallSession } from './twentyCallSession.js';

// The same 20-call session as pipeline.test.ts, on what `cdk synth` produced: the bundles in
// Node.js 24 containers, the template's environment, routes, event sources and IAM policies.

let synth: { assembly: CloudAssembly; cleanup(): void };
let stack: AsDeployedStack;
let store: FakeStore;
const logs: string[] = [];

/** A store of its own, registered on the stack: the fake store checks one signing secret. */
async function storeOfItsOwn(storeId: string): Promise<{ store: FakeStore; client: StoreClient }> {
  const own = await startFakeStore();
  try {
    const reg = await registerStore(asDeployedTarget(stack).stores, {
      storeId,
      callbackUrl: own.callbackUrl,
      allowOrigins: [own.originUrl],
    });
    own.secret = reg.signingSecret;
    return { store: own, client: new StoreClient(stack.api.url, reg.apiKey) };
  } catch (err) {
    await own.close();
    throw err;
  }
}

describe('as deployed', () => {
  before(async () => {
    synth = await synthForTests();
    // A short lease, as the sandbox runs it: the worker holds its batch for 5 s at a time (the
    // template says 60), so a killed container's batch is back within seconds.
    stack = await startAsDeployedStack({
      assembly: synth.assembly,
      leaseSeconds: 5,
      onLog: (fn, line) => logs.push(`${fn} ${line}`),
    });
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

  test('a cancel ends each queued track with one E_ABORT callback in the background, none fetched, with no request refused by IAM', async () => {
    const { store: canceller, client } = await storeOfItsOwn('cancel-store');
    try {
      const ids = Array.from({ length: 12 }, (_, i) => 3001 + i);
      await client.putLicenses(
        'user-cancel',
        ids.map((serviceTrackId) => ({ serviceTrackId })),
      );
      const cookie = (await client.openSession('user-cancel')).body.cookie;
      // Held queued: the event sources are paused while the tracks go in and the cancel is made.
      await Promise.all(stack.pollers.map((p) => p.stop()));
      const tracks = ids.map((id) => ({
        trackUrl: canceller.addFile(`c${id}.mp3`, makeMp3({ title: `C${id}` })),
        serviceTrackId: id,
        downloadParams: `c=${id}`,
        hrDownload: 0,
      }));
      assert.equal((await client.downloadTracks(cookie, tracks)).status, 200);
      const res = await client.call<{ cancelled: number }>('DELETE', `/v1/downloads/${cookie}`);
      assert.equal(res.status, 202);
      assert.equal(res.body.cancelled, ids.length);
      await Promise.all(stack.pollers.map((p) => p.start()));
      const told = () =>
        canceller.events.filter((e) => e.body.event === 'DownloadTrackComplete' && e.body.cookie === cookie);
      for (let i = 0; i < 600 && told().length < ids.length; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(
        told()
          .map((e) => e.body.serviceTrackId)
          .sort(),
        ids,
      );
      assert.ok(
        told().every((e) => e.body.hrResult === '0x80004004'),
        JSON.stringify(told().map((e) => e.body.hrResult)),
      );
      assert.equal(
        [...canceller.originHits.values()].reduce((a, b) => a + b, 0),
        0,
        'no cancelled track was fetched',
      );
      assert.deepEqual(stack.denials, []);
    } finally {
      await canceller.close();
    }
  });

  test('a worker container killed mid-invocation: the death and its batch are logged, and the track still ends', async () => {
    const { store: killer, client } = await storeOfItsOwn('kill-store');
    try {
      await client.putLicense('user-kill', 4242);
      const cookie = (await client.openSession('user-kill')).body.cookie;
      const trackUrl = killer.addFile('k.mp3', makeMp3({ title: 'Killed Once' }));
      // The origin holds the download, so the worker is mid-invocation when its container dies.
      killer.originFaults.set('k.mp3', 'stall');
      const sent = await client.downloadTracks(cookie, [
        { trackUrl, serviceTrackId: 4242, downloadParams: 'k=1', hrDownload: 0 },
      ]);
      assert.equal(sent.status, 200);
      const worker = [...stack.functions.values()].find((f) => f.logicalId.startsWith('FunctionsWorker'));
      assert.ok(worker, 'the template has the worker function');
      let pids: number[] = [];
      for (let i = 0; i < 300 && pids.length === 0; i++) {
        pids = (killer.originHits.get('k.mp3') ?? 0) > 0 ? worker.runner.busyPids() : [];
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(pids.length > 0, 'the worker was busy with the stalled download');
      killer.originFaults.delete('k.mp3');
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      // Received again once the worker's own lease runs out: within this wait, which neither the
      // queue's 30 minutes nor the template's 60-s lease would meet.
      const status = await client.waitForSession(cookie, 30_000);
      assert.equal(status.counts.completed, 1, JSON.stringify(status.counts));
      const death = logs.find((l) => /Runtime\.ExitError/.test(l) && l.startsWith(worker.runner.spec.name));
      assert.ok(death, `the death is logged: ${logs.slice(-5).join(' | ')}`);
      const requestId = /\s([0-9a-f-]{36}) Runtime\.ExitError/.exec(death)?.[1];
      assert.ok(requestId, death);
      assert.ok(
        logs.some((l) => l.includes(requestId) && /the batch of 1 record\(s\) returns to/.test(l)),
        "the batch's fate is logged with the request id",
      );
    } finally {
      await killer.close();
    }
  });
});
