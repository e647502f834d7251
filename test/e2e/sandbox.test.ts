import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { objectsUnder } from '../../functions/adapters/bucketObjects.js';
import { createClients } from '../../functions/adapters/clients.js';
import { localCredentials, localRegion } from '../../infra/local/emulators.js';
import { demoCatalog } from '../../sandbox/demoCatalog.js';
import { StoreClient } from '../../testkit/storeClient.js';
import {
  freeSandboxPorts,
  killSandboxGroup,
  portArgs,
  type SandboxPorts,
  type SandboxProcess,
  startSandboxProcess,
} from '../support/sandboxProcess.js';

const scratch: string[] = [];
const running: SandboxProcess[] = [];

after(() => {
  for (const s of running) killSandboxGroup(s);
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

async function startSandbox(
  ports: SandboxPorts,
  dataDir: string,
  modeArgs: readonly string[],
): Promise<SandboxProcess> {
  const sandbox = await startSandboxProcess([...modeArgs, ...portArgs(ports), '--lease', '3'], {
    dataDir,
    startTimeoutMs: 120_000,
  });
  running.push(sandbox);
  return sandbox;
}

// Both modes a newcomer can start: the sources (threads) and the synthesized stack (containers, IAM).
for (const [mode, modeArgs] of [
  ['source', []],
  ['as deployed', ['--as-deployed']],
] as const) {
  test(`${mode}: a session of 50 tracks survives a SIGKILL mid-run: all terminal, one file and one library row each; one Ctrl-C stops it`, async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'trackdrop-sandbox-'));
    scratch.push(dataDir);
    const ports = await freeSandboxPorts();
    const first = await startSandbox(ports, dataDir, modeArgs);
    assert.match(first.output(), new RegExp(`API\\s+http://127.0.0.1:${ports.api}`));
    const creds = first.state.demoStore!;
    assert.ok(first.output().includes(creds.apiKey), 'the demo store key is printed');
    const client = new StoreClient(first.state.apiUrl, creds.apiKey);

    // A second `npm start` on the folder in use says so and exits, before it touches the data.
    const busy = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'sandbox/main.ts', ...modeArgs, ...portArgs(await freeSandboxPorts()), '--data-dir', dataDir],
      {
        cwd: process.cwd(),
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(busy.status, 1, busy.stderr);
    assert.match(busy.stderr, new RegExp(`in use by another sandbox \\(pid ${first.child.pid}\\)`));

    const catalog = demoCatalog();
    const user = 'restart-user';
    const tracks = Array.from({ length: 50 }, (_, i) => ({
      trackUrl: `${creds.originUrl}/tracks/${catalog[i % catalog.length]!.file}`,
      serviceTrackId: 7000 + i,
      downloadParams: `p${i}`,
      hrDownload: 0,
    }));
    for (const t of tracks) assert.equal((await client.putLicense(user, t.serviceTrackId)).status, 201);
    const cookie = (await client.openSession(user)).body.cookie;
    // Half first; once one of them is done, the other half, and the kill as soon as they are
    // taken: some tracks are done and some in flight, however fast a quiet machine drains them.
    const half = tracks.length / 2;
    assert.equal((await client.downloadTracks(cookie, tracks.slice(0, half))).status, 200);
    let atKill = 0;
    await waitUntil(async () => {
      atKill = (await client.session(cookie)).body.counts.completed ?? 0;
      return atKill >= 1;
    }, 30_000);
    assert.equal((await client.downloadTracks(cookie, tracks.slice(half))).status, 200);
    killSandboxGroup(first);
    await new Promise((r) => first.child.once('exit', r));
    const before = (await new StoreClient(first.state.apiUrl, creds.apiKey).session(cookie).catch(() => undefined))
      ?.body;
    assert.equal(before, undefined, 'the API is down');
    t.diagnostic(`killed with ${atKill} of 50 completed, the last ${half} just taken`);

    const second = await startSandbox(ports, dataDir, modeArgs);
    assert.equal(second.state.demoStore?.apiKey, creds.apiKey, 'the demo store keeps its key across restarts');
    const client2 = new StoreClient(second.state.apiUrl, creds.apiKey);
    // Within a few leases: the origin is open before the workers start, so no track of the
    // killed run is put off for a retry wait. The time it took is reported.
    const restarted = Date.now();
    const status = await client2.waitForSession(cookie, 90_000);
    t.diagnostic(`all 50 settled ${((Date.now() - restarted) / 1000).toFixed(1)} s after the restart`);
    const clients = createClients(
      {},
      { region: localRegion, credentials: localCredentials, endpoints: second.state.endpoints },
    );
    // Where the missing ones are, when some are: a dead-letter queue, or still in flight.
    const dead = async () => {
      const load = async (url: string) => {
        const out = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
        const a = out.Attributes ?? {};
        return `${a.ApproximateNumberOfMessages} visible, ${a.ApproximateNumberOfMessagesNotVisible} in flight, ${a.ApproximateNumberOfMessagesDelayed} delayed`;
      };
      return `${await load(second.state.dlqUrls.downloads)}; downloads queue: ${await load(second.state.names.queueUrls.downloads)}; log: ${second.output().split('\n').slice(-8).join(' | ')}`;
    };
    assert.equal(
      status.counts.completed,
      50,
      `${JSON.stringify(status.counts)}; downloads DLQ: ${status.counts.completed === 50 ? 0 : await dead()}`,
    );

    const all = await objectsUnder(clients.s3, second.state.names.bucket, `users/${user}/Music/`);
    // Beside the tracks, one cover per album whose files carry one (the demo's two MP3 albums).
    const covers = [...all.keys()].filter((k) => k.endsWith('/Folder.jpg'));
    assert.equal(covers.length, 2, covers.join(', '));
    const objects = new Map([...all].filter(([k]) => !k.endsWith('/Folder.jpg')));
    assert.equal(objects.size, 50, 'one object per track, none twice');
    const lib = await client2.library(user, '?limit=1000');
    assert.equal(lib.body.items.length, 50);
    // Same tags give the same name: the store sees each item by its own itemId (its key is the one
    // its tags give, without the suffix that keeps the real objects apart), and its bytes.
    assert.equal(new Set(lib.body.items.map((i) => i.itemId)).size, 50);
    const bytesOf = (shas: Iterable<unknown>) => [...shas].map(String).sort();
    assert.deepEqual(bytesOf(lib.body.items.map((i) => i.sha256)), bytesOf(objects.values()));

    // npm run demo against the running sandbox: a whole session, then the Music tree and library.
    const demo = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'sandbox/demo.ts', '--tracks', '3', '--user', 'demo-check', '--data-dir', dataDir],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(demo.status, 0, demo.stderr);
    assert.match(demo.stdout, /users\/demo-check\/Music\//);
    assert.match(demo.stdout, /demo-check's library \(3 items\)/);
    assert.match(demo.stdout, /01 Port 4000\.mp3/);

    // Ctrl-C, as a terminal sends it: to the whole process group, once. It stops cleanly.
    assert.ok(second.child.pid);
    process.kill(-second.child.pid, 'SIGINT');
    assert.equal(await second.exited, 0, second.output());
    assert.match(second.output(), /SIGINT: no new work/);
    assert.doesNotMatch(second.output(), /second signal/, 'one Ctrl-C is one signal');
    assert.match(second.output(), /stopped/);
    assert.doesNotMatch(second.output(), /IAM DENIED/);
    clients.s3.destroy();
  });
}

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
