import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createClients } from '../../functions/adapters/clients.js';
import { localCredentials, localRegion } from '../../infra/local/emulators.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { readOutputsFile } from '../../tooling/stackOutputs.js';
import {
  freeSandboxPorts,
  killSandboxGroup,
  portArgs,
  type SandboxProcess,
  startSandboxProcess,
  trackdrop,
} from '../support/sandboxProcess.js';

// The operator's work after `cdk deploy`, on the sandbox that runs the synthesized stack: the CLI
// reads the outputs file the sandbox wrote (the shape `cdk deploy --outputs-file` writes), seals
// signing secrets with the stack's KMS key (the stand-in) and acts with an operator's
// credentials, every request checked against the template's policies.

let dataDir: string;
let sandbox: SandboxProcess;
let store: FakeStore;
let outputsFile: string;
let operatorEnv: Record<string, string>;
const viaOutputs = (...args: string[]) => trackdrop([...args, '--outputs', outputsFile], operatorEnv);
const viaDataDir = (...args: string[]) => trackdrop([...args, '--data-dir', dataDir]);

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'trackdrop-cli-deployed-'));
  sandbox = await startSandboxProcess(['--as-deployed', ...portArgs(await freeSandboxPorts())], {
    dataDir,
    startTimeoutMs: 120_000,
  });
  const deployed = sandbox.state.deployed;
  assert.ok(deployed, 'the as-deployed sandbox says where its outputs are');
  outputsFile = deployed.outputsFile;
  operatorEnv = { ...deployed.operatorEnv, AWS_PROFILE: '' };
  store = await startFakeStore();
});

after(async () => {
  if (sandbox?.child.pid !== undefined && sandbox.child.exitCode === null) {
    process.kill(-sandbox.child.pid, 'SIGINT');
    await Promise.race([sandbox.exited, new Promise((r) => setTimeout(r, 30_000))]);
  }
  killSandboxGroup(sandbox);
  await store?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the operator CLI on the stack as deployed', () => {
  let apiKey = '';
  let cookie = '';
  const user = 'deployed-listener';

  test('the sandbox writes an outputs file in the shape `cdk deploy --outputs-file` writes', () => {
    const raw = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
    const [stackName, ...others] = Object.keys(raw);
    assert.ok(stackName);
    assert.deepEqual(others, []);
    const { outputs } = readOutputsFile(outputsFile);
    assert.equal(outputs.apiUrl, sandbox.state.apiUrl);
    assert.ok(outputs.secretsKeyId, 'the secrets key is an output');
  });

  test('--outputs: store add seals the secret with the stack key; a download is called back signed with it', async () => {
    const r = await viaOutputs(
      'store',
      'add',
      'deployed-store',
      '--callback-url',
      store.callbackUrl,
      '--allow-origin',
      store.originUrl,
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const added = JSON.parse(r.stdout) as { storeId: string; apiKey: string; signingSecret: string };
    apiKey = added.apiKey;
    store.secret = added.signingSecret;
    // Sealed at rest: the table holds a KMS ciphertext, not the secret.
    const { outputs } = readOutputsFile(outputsFile);
    const admin = createClients(
      {},
      { region: localRegion, credentials: localCredentials, endpoints: sandbox.state.endpoints },
    );
    try {
      const item = await admin.dynamodb.send(
        new GetItemCommand({ TableName: outputs.names.tables.stores, Key: { pk: { S: 'store#deployed-store' } } }),
      );
      const sealed = JSON.stringify(item.Item?.sealedSecrets);
      assert.ok(item.Item, 'the store is registered');
      assert.ok(!sealed.includes(added.signingSecret), 'the secret is not stored in the clear');
    } finally {
      admin.dynamodb.destroy();
    }
    // The completion function opens it with its own role's kms:Decrypt, and signs with it.
    const client = new StoreClient(outputs.apiUrl, apiKey);
    assert.equal((await client.putLicense(user, 41)).status, 201);
    cookie = (await client.openSession(user)).body.cookie;
    const sent = await client.downloadTracks(cookie, [
      {
        trackUrl: store.addFile('d41.mp3', makeMp3({ title: 'Deployed', artist: 'Operator', album: 'Outputs' })),
        serviceTrackId: 41,
        downloadParams: 'd=41',
        hrDownload: 0,
      },
    ]);
    assert.equal(sent.status, 200);
    const status = await client.waitForSession(cookie, 60_000);
    assert.equal(status.counts.completed, 1, JSON.stringify(status.counts));
    for (let i = 0; i < 100 && !store.events.some((e) => e.body.event === 'DownloadTrackComplete'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const done = store.events.find((e) => e.body.event === 'DownloadTrackComplete');
    assert.ok(done?.verified, 'the callback is signed with the secret the CLI printed');
  });

  test('--data-dir: store list, rotate-secret, session, library, dlq list and token act on the same stack', async () => {
    const [list, session, library, dlq, token] = await Promise.all([
      viaDataDir('store', 'list', '--json'),
      viaDataDir('session', cookie, '--json'),
      viaDataDir('library', user, '--json'),
      viaDataDir('dlq', 'list', 'downloads', '--json'),
      viaDataDir('token', user),
    ]);
    for (const r of [list, session, library, dlq, token]) assert.equal(r.code, 0, r.stderr);
    const stores = JSON.parse(list.stdout) as { storeId: string }[];
    assert.ok(stores.some((s) => s.storeId === 'deployed-store'));
    assert.match(session.stdout, /"completed"/);
    assert.match(library.stdout, /Deployed/);
    assert.deepEqual(JSON.parse(dlq.stdout), []);
    const me = await fetch(`${sandbox.state.apiUrl}/v1/me/library`, {
      headers: { authorization: `Bearer ${token.stdout.trim()}` },
    });
    assert.equal(me.status, 200);
    const rotated = await viaDataDir('store', 'rotate-secret', 'deployed-store', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.notEqual((JSON.parse(rotated.stdout) as { signingSecret: string }).signingSecret, store.secret);
  });

  test('no request of the functions or the operator was refused by IAM', () => {
    assert.doesNotMatch(sandbox.output(), /IAM DENIED/);
  });
});
