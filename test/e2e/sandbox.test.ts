import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { objectsUnder } from '../../functions/adapters/bucketObjects.js';
import { createClients } from '../../functions/adapters/clients.js';
import { freePort, localCredentials, localRegion } from '../../infra/local/emulators.js';
import { StoreClient } from '../../infra/local/storeClient.js';
import { demoCatalog } from '../../sandbox/demoCatalog.js';
import { readSandboxState, type SandboxState } from '../../sandbox/sandboxState.js';

const dataDir = mkdtempSync(join(tmpdir(), 'trackdrop-sandbox-'));
const children: ChildProcess[] = [];

after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface SandboxPorts {
  readonly api: number;
  readonly store: number;
  readonly locker: number;
  readonly issuer: number;
}

/** Every port the sandbox opens, free ones, so the test never meets another sandbox's defaults. */
async function freeSandboxPorts(): Promise<SandboxPorts> {
  return { api: await freePort(), store: await freePort(), locker: await freePort(), issuer: await freePort() };
}

function portArgs(p: SandboxPorts): string[] {
  return [
    '--port',
    String(p.api),
    '--store-port',
    String(p.store),
    '--locker-port',
    String(p.locker),
    '--issuer-port',
    String(p.issuer),
  ];
}

/** `npm start`, as a newcomer runs it, on free ports; resolves once the walkthrough is printed. */
async function startSandbox(
  ports: SandboxPorts,
): Promise<{ child: ChildProcess; state: SandboxState; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'sandbox/main.ts', ...portArgs(ports), '--data-dir', dataDir, '--lease', '3'],
    {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!out.includes('npm run demo')) {
    if (child.exitCode !== null) throw new Error(`sandbox exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`sandbox did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, state: readSandboxState(dataDir)!, output: () => out };
}

test('a session of 50 tracks survives a SIGKILL mid-run: all terminal, one file and one library row each', async (t) => {
  const ports = await freeSandboxPorts();
  const first = await startSandbox(ports);
  assert.match(first.output(), new RegExp(`API\\s+http://127.0.0.1:${ports.api}`));
  const creds = first.state.demoStore!;
  assert.ok(first.output().includes(creds.apiKey), 'the demo store key is printed');
  const client = new StoreClient(first.state.apiUrl, creds.apiKey);

  // A second `npm start` on the folder in use says so and exits, before it touches the data.
  const busy = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'sandbox/main.ts', ...portArgs(await freeSandboxPorts()), '--data-dir', dataDir],
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
  const sent = await client.downloadTracks(cookie, tracks);
  assert.equal(sent.status, 200);

  // Kill it while tracks are in flight.
  let atKill = 0;
  await waitUntil(async () => {
    atKill = (await client.session(cookie)).body.counts.completed ?? 0;
    return atKill >= 1;
  }, 30_000);
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  const before = (await new StoreClient(first.state.apiUrl, creds.apiKey).session(cookie).catch(() => undefined))?.body;
  assert.equal(before, undefined, 'the API is down');
  assert.ok(atKill < 50, `killed mid-run (${atKill} of 50 completed)`);
  t.diagnostic(`killed with ${atKill} of 50 completed`);

  const second = await startSandbox(ports);
  assert.equal(second.state.demoStore?.apiKey, creds.apiKey, 'the demo store keeps its key across restarts');
  const client2 = new StoreClient(second.state.apiUrl, creds.apiKey);
  const status = await client2.waitForSession(cookie, 90_000);
  assert.equal(status.counts.completed, 50, JSON.stringify(status.counts));

  const clients = createClients(
    {},
    { region: localRegion, credentials: localCredentials, endpoints: second.state.endpoints },
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

  // Ctrl-C: stops cleanly.
  second.child.kill('SIGINT');
  const code = await new Promise((r) => second.child.once('exit', r));
  assert.equal(code, 0);
  assert.match(second.output(), /stopped/);
  clients.s3.destroy();
});

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
