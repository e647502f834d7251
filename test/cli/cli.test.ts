import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { summarize } from '../../cli/dlqCommands.js';
import { regionOf } from '../../cli/target.js';
import { LocalSecretBox } from '../../functions/adapters/secrets/localSecretBox.js';
import { StoresRepo } from '../../functions/adapters/storesRepo.js';
import { hashApiKey } from '../../functions/core/apiKey.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { outputNames } from '../../infra/cdk/outputNames.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { writeSandboxState } from '../../tooling/sandboxState.js';
import { loadOrCreateSecretsKey } from '../../tooling/secretsKey.js';
import { type CliRun as Run, trackdrop } from '../support/sandboxProcess.js';

let stack: LocalStack;
let dir: string;
let secretsKey: Buffer;
/** The stores' signing secrets as the completion function opens them (a fresh repo: no cache). */
const openSecrets = (storeId: string) =>
  new StoresRepo(
    stack.clients.ddb,
    stack.provisioned.names.tables.stores,
    new LocalSecretBox(secretsKey),
  ).signingSecrets(storeId);
const scratch: string[] = [];
/** Against the test's sandbox. */
const cli = (...args: string[]) => trackdrop([...args, '--data-dir', dir]);

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'trackdrop-cli-'));
  scratch.push(d);
  return d;
}

async function queueDepth(url: string): Promise<number> {
  const res = await stack.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(res.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(res.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

const noStackTrace = (r: Run) => assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');

before(async () => {
  dir = tempDir();
  // As `npm start` does: the key that seals signing secrets lives in the data folder.
  secretsKey = loadOrCreateSecretsKey(dir);
  stack = await startLocalStack({ pollers: false, dataDir: dir, secretsKey });
  writeSandboxState(dir, {
    apiUrl: stack.api.url,
    endpoints: stack.emulators.endpoints,
    names: stack.provisioned.names,
    dlqUrls: {
      downloads: stack.provisioned.queues.downloads.dlqUrl,
      completions: stack.provisioned.queues.completions.dlqUrl,
      slowCallbacks: stack.provisioned.queues.slowCallbacks.dlqUrl,
      erasures: stack.provisioned.queues.erasures.dlqUrl,
    },
    pid: process.pid,
  });
});

after(async () => {
  await stack?.stop();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe('usage', () => {
  test('--help lists every command and exits 0; so does --help on each command', async () => {
    const runs = await Promise.all([
      trackdrop(['--help']),
      trackdrop(['help']),
      ...[
        ['store', 'add'],
        ['store', 'list'],
        ['store', 'rotate-secret'],
        ['store', 'rotate-key'],
        ['store', 'revoke-key'],
        ['store', 'update'],
        ['store', 'suspend'],
        ['store', 'remove'],
        ['store', 'audit'],
        ['session'],
        ['library'],
        ['dlq', 'list'],
        ['dlq', 'redrive'],
        ['store'],
        ['dlq'],
      ].map((c) => trackdrop([...c, '--help'])),
    ]);
    for (const r of runs) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: trackdrop /);
      assert.equal(r.stderr, '');
    }
    for (const c of [
      'store add',
      'store list',
      'store rotate-secret',
      'store rotate-key',
      'store keys',
      'store revoke-key',
      'store update',
      'store suspend',
      'store resume',
      'store remove',
      'store audit',
      'session',
      'library',
      'dlq list',
      'dlq redrive',
    ])
      assert.match(runs[0]!.stdout, new RegExp(`\\n  ${c} `));
    assert.match(runs[2]!.stdout, /--callback-url <url>/);
    assert.match(runs[2]!.stdout, /--allow-origin <origin>/);
  });

  test('unknown command, unknown flag, missing argument: exit 2 with the usage on stderr', async () => {
    const [unknown, unknownSub, flag, missing, none, badQueue] = await Promise.all([
      cli('frobnicate'),
      cli('store', 'delete', 'x'),
      cli('store', 'list', '--colour'),
      cli('session'),
      trackdrop([]),
      cli('dlq', 'list', 'uploads'),
    ]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^trackdrop: unknown command 'frobnicate'\n\nUsage: trackdrop <command>/);
    assert.equal(unknown.stdout, '');
    assert.equal(unknownSub.code, 2);
    assert.match(unknownSub.stderr, /unknown command 'store delete'[\s\S]*trackdrop store add/);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /Unknown option '--colour'[\s\S]*Usage: trackdrop store list/);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /session needs <cookie>[\s\S]*Usage: trackdrop session <cookie>/);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no command given/);
    assert.equal(badQueue.code, 2);
    assert.match(badQueue.stderr, /unknown queue 'uploads': downloads, completions, slow-callbacks or erasures/);
    [unknown, unknownSub, flag, missing, none, badQueue].forEach(noStackTrace);
  });
});

describe('where to act', () => {
  test('no sandbox state in the data folder: exit 1 with guidance', async () => {
    const r = await trackdrop(['store', 'list', '--data-dir', tempDir()]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no running sandbox in .*npm start.*--outputs/s);
    noStackTrace(r);
  });

  test('a sandbox.json whose sandbox has exited: exit 1, not a connection error', async () => {
    const stale = tempDir();
    const exited = await new Promise<number>((resolve) => {
      const child = execFile(process.execPath, ['-e', '0'], () => resolve(child.pid!));
    });
    writeSandboxState(stale, {
      apiUrl: 'http://127.0.0.1:1',
      endpoints: { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:1' },
      names: stack.provisioned.names,
      dlqUrls: { downloads: 'x', completions: 'y', slowCallbacks: 'z', erasures: 'e' },
      pid: exited,
    });
    const r = await trackdrop(['store', 'list', '--data-dir', stale]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`no running sandbox .*pid ${exited}\\) has exited`));
  });

  test('--outputs: a cdk outputs file, with the default credential chain (here pointed at the emulators)', async () => {
    const n = stack.provisioned.names;
    const outputs = {
      [outputNames.apiUrl]: stack.api.url,
      [outputNames.mediaBucketName]: n.bucket,
      [outputNames.storesTableName]: n.tables.stores,
      [outputNames.downloadsTableName]: n.tables.downloads,
      [outputNames.licensesTableName]: n.tables.licenses,
      [outputNames.libraryTableName]: n.tables.library,
      [outputNames.downloadsQueueUrl]: n.queueUrls.downloads,
      [outputNames.completionsQueueUrl]: n.queueUrls.completions,
      [outputNames.downloadsDlqUrl]: stack.provisioned.queues.downloads.dlqUrl,
      [outputNames.completionsDlqUrl]: stack.provisioned.queues.completions.dlqUrl,
      [outputNames.slowCallbacksQueueUrl]: stack.provisioned.queues.slowCallbacks.url,
      [outputNames.slowCallbacksDlqUrl]: stack.provisioned.queues.slowCallbacks.dlqUrl,
      [outputNames.erasuresQueueUrl]: stack.provisioned.queues.erasures.url,
      [outputNames.erasuresDlqUrl]: stack.provisioned.queues.erasures.dlqUrl,
    };
    const d = tempDir();
    const one = join(d, 'one.json');
    const two = join(d, 'two.json');
    writeFileSync(one, JSON.stringify({ TrackdropStack: outputs }));
    writeFileSync(two, JSON.stringify({ Blue: outputs, Green: outputs, Other: { Foo: 'bar' } }));
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: stack.emulators.endpoints.dynamodb,
      AWS_ENDPOINT_URL_SQS: stack.emulators.endpoints.sqs,
      AWS_ENDPOINT_URL_S3: stack.emulators.endpoints.s3,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      AWS_PROFILE: '',
    };
    await registerStore(stack.stores, {
      storeId: 'via-outputs',
      callbackUrl: 'https://o.example/cb',
      allowOrigins: ['https://o.example'],
    });
    const [listed, ambiguous, picked, both, missing] = await Promise.all([
      trackdrop(['store', 'list', '--json', '--outputs', one], env),
      trackdrop(['store', 'list', '--outputs', two], env),
      trackdrop(['dlq', 'list', 'completions', '--json', '--outputs', two, '--stack', 'Green'], env),
      trackdrop(['store', 'list', '--outputs', one, '--data-dir', dir], env),
      trackdrop(['store', 'list', '--outputs', join(d, 'nope.json')], env),
    ]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok((JSON.parse(listed.stdout) as { storeId: string }[]).some((s) => s.storeId === 'via-outputs'));
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.stderr, /several trackdrop stacks \(Blue, Green\): pick one with --stack/);
    assert.equal(picked.code, 0, picked.stderr);
    assert.deepEqual(JSON.parse(picked.stdout), []);
    assert.equal(both.code, 2);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read the outputs file/);
    assert.equal(regionOf('https://sqs.eu-west-1.amazonaws.com/123456789012/trackdrop-downloads'), 'eu-west-1');
  });
});

describe('stores', () => {
  const origin = 'https://media.cli.example';
  let apiKey = '';
  let firstSecret = '';

  test('store add prints the id, an API key that authenticates, and the signing secret, once', async () => {
    const r = await cli(
      'store',
      'add',
      'cli-store',
      '--callback-url',
      'https://cli.example/cb',
      '--allow-origin',
      origin,
      '--allow-origin',
      's3://cli-bucket',
      '--name',
      'CLI Store',
    );
    assert.equal(r.code, 0, r.stderr);
    apiKey = /API key\s+(tdk_\S+)/.exec(r.stdout)?.[1] ?? '';
    firstSecret = /signing secret\s+(whsec_\S+)/.exec(r.stdout)?.[1] ?? '';
    assert.ok(apiKey && firstSecret, r.stdout);
    assert.match(r.stdout, /store id\s+cli-store/);
    assert.match(r.stdout, /not shown again/);
    const put = await new StoreClient(stack.api.url, apiKey).putLicense('cli-user', 7);
    assert.equal(put.status, 201);
    const bad = await new StoreClient(stack.api.url, 'tdk_wrong').putLicense('cli-user', 7);
    assert.equal(bad.status, 401);
    const stored = await stack.stores.get('cli-store');
    assert.deepEqual(stored?.allowOrigins, [origin, 's3://cli-bucket']);
    assert.equal(stored?.name, 'CLI Store');
    assert.deepEqual(await openSecrets('cli-store'), [firstSecret], 'sealed with the sandbox key');
  });

  test('store add: invalid input is one clear line and exit 2; a missing flag is a usage error; a taken id is exit 1', async () => {
    const [badOrigin, badId, badUrl, noOrigin, dup] = await Promise.all([
      cli(
        'store',
        'add',
        'other-store',
        '--callback-url',
        'https://cli.example/cb',
        '--allow-origin',
        origin,
        '--allow-origin',
        'ftp://files.example',
      ),
      cli('store', 'add', 'Bad_Id', '--callback-url', 'https://cli.example/cb', '--allow-origin', origin),
      cli('store', 'add', 'other-store', '--callback-url', 'ftp://cli.example/cb', '--allow-origin', origin),
      cli('store', 'add', 'other-store', '--callback-url', 'https://cli.example/cb'),
      cli('store', 'add', 'cli-store', '--callback-url', 'https://cli.example/cb', '--allow-origin', origin),
    ]);
    assert.equal(badOrigin.code, 2, badOrigin.stderr);
    assert.equal(
      badOrigin.stderr,
      "trackdrop: --allow-origin 'ftp://files.example': each origin is https://host[:port], http://host[:port] or s3://bucket\n",
    );
    assert.equal(badId.code, 2, badId.stderr);
    assert.match(badId.stderr, /^trackdrop: store id 'Bad_Id': 2-63 of a-z 0-9 -/);
    assert.equal(badUrl.code, 2, badUrl.stderr);
    assert.match(
      badUrl.stderr,
      /^trackdrop: --callback-url 'ftp:\/\/cli.example\/cb': not an http:\/\/ or https:\/\/ URL\n$/,
    );
    assert.equal(noOrigin.code, 2);
    assert.match(noOrigin.stderr, /needs at least one --allow-origin[\s\S]*Usage: trackdrop store add/);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /store cli-store exists already/);
    for (const r of [badOrigin, badId, badUrl, noOrigin, dup]) {
      assert.equal(r.stdout, '');
      noStackTrace(r);
    }
    assert.equal(await stack.stores.get('other-store'), undefined);
  });

  test('store list shows the store and never a secret', async () => {
    const [text, json] = await Promise.all([cli('store', 'list'), cli('store', 'list', '--json')]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^storeId\s+name\s+callbackUrl\s+allowOrigins\s+redownload\s+createdAt/);
    assert.match(
      text.stdout,
      /cli-store\s+CLI Store\s+https:\/\/cli.example\/cb\s+https:\/\/media.cli.example s3:\/\/cli-bucket\s+false/,
    );
    const stores = JSON.parse(json.stdout) as Record<string, unknown>[];
    const mine = stores.find((s) => s.storeId === 'cli-store');
    assert.ok(mine);
    assert.equal('signingSecrets' in mine, false);
    for (const out of [text.stdout, json.stdout]) {
      assert.doesNotMatch(out, /whsec_|tdk_|local:|sealed/);
      assert.ok(!out.includes(firstSecret) && !out.includes(apiKey));
    }
  });

  test('store rotate-secret prints a new secret once; the previous one stays active', async () => {
    const r = await cli('store', 'rotate-secret', 'cli-store');
    assert.equal(r.code, 0, r.stderr);
    const secret = /(whsec_\S+)/.exec(r.stdout)?.[1];
    assert.ok(secret && secret !== firstSecret);
    assert.match(r.stdout, /previous secret[\s\S]*until the next rotation/);
    assert.deepEqual(await openSecrets('cli-store'), [secret, firstSecret]);
    const unknown = await cli('store', 'rotate-secret', 'no-such-store');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no store no-such-store/);
  });
});

describe('sessions and libraries', () => {
  test('session shows the session, counts by state and each track; an unknown cookie is exit 1', async () => {
    const reg = await registerStore(stack.stores, {
      storeId: 'session-store',
      callbackUrl: 'https://s.example/cb',
      allowOrigins: ['https://media.s.example'],
    });
    const client = new StoreClient(stack.api.url, reg.apiKey);
    const cookie = (await client.openSession('s-user')).body.cookie;
    const batch = await client.downloadTracks(cookie, [
      { serviceTrackId: 1, trackUrl: 'https://media.s.example/1.mp3', downloadParams: 'a', hrDownload: 0 },
      { serviceTrackId: 2, downloadParams: 'b', hrDownload: '0x80004005' },
      { serviceTrackId: 3, downloadParams: 'c', hrDownload: -2147024891 },
    ]);
    assert.equal(batch.status, 200);
    const [text, json, unknown] = await Promise.all([
      cli('session', cookie),
      cli('session', cookie, '--json'),
      cli('session', 'no-such-cookie'),
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`session\\s+${cookie}\\n`));
    assert.match(text.stdout, /store\s+session-store\n/);
    assert.match(text.stdout, /user\s+s-user\n/);
    assert.match(text.stdout, /cancelled\s+-\n/);
    assert.match(text.stdout, /tracks\s+3: queued 1, stored 0, completed 0, failed 0, cancelled 0, declined 2/);
    assert.match(text.stdout, /serviceTrackId\s+state\s+hrResult\s+key\s+reason/);
    assert.match(text.stdout, /\n1\s+queued\n/);
    assert.match(text.stdout, /\n2\s+declined\s+0x80004005\s+declined by the store/);
    assert.match(text.stdout, /\n3\s+declined\s+0x80070005\s+declined by the store/);
    const body = JSON.parse(json.stdout) as {
      storeId: string;
      userId: string;
      counts: Record<string, number>;
      tracks: { serviceTrackId: number; state: string; hrResult?: string }[];
    };
    assert.equal(body.storeId, 'session-store');
    assert.equal(body.userId, 's-user');
    assert.deepEqual(body.counts, { queued: 1, stored: 0, completed: 0, failed: 0, cancelled: 0, declined: 2 });
    assert.deepEqual(
      body.tracks.map((t) => [t.serviceTrackId, t.state, t.hrResult]),
      [
        [1, 'queued', undefined],
        [2, 'declined', '0x80004005'],
        [3, 'declined', '0x80070005'],
      ],
    );
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^trackdrop: no session no-such-cookie/);
    assert.equal(unknown.stdout, '');
  });

  test("library lists the user's rows from every store", async () => {
    const row = (storeId: string, serviceTrackId: number, title: string) => ({
      userId: 'lib-user',
      storeId,
      serviceTrackId,
      cookie: 'c',
      addedAt: '2025-01-01T00:00:00.000Z',
      key: `users/lib-user/Music/Artist/Album/0${serviceTrackId} ${title}.mp3`,
      bytes: 1234,
      sha256: 'ab'.repeat(32),
      title,
      artist: 'Artist',
      album: 'Album',
      trackNumber: serviceTrackId,
    });
    await stack.deps.worker.library.addOnce(row('store-b', 2, 'Second'));
    await stack.deps.worker.library.addOnce(row('store-a', 1, 'First'));
    await stack.deps.worker.library.claimKey('lib-user', 'some-key', 'owner', 'k'); // a claim, not a row
    const [text, json, empty] = await Promise.all([
      cli('library', 'lib-user'),
      cli('library', 'lib-user', '--json'),
      cli('library', 'nobody'),
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^storeId\s+serviceTrackId\s+artist\s+album\s+trackNumber\s+title\s+bytes\s+key\s+addedAt/,
    );
    assert.match(
      text.stdout,
      /\nstore-a\s+1\s+Artist\s+Album\s+1\s+First\s+1234\s+users\/lib-user\/Music\/Artist\/Album\/01 First.mp3/,
    );
    assert.match(text.stdout, /\nstore-b\s+2\s+Artist\s+Album\s+2\s+Second/);
    const items = JSON.parse(json.stdout) as { storeId: string; title: string }[];
    assert.deepEqual(
      items.map((i) => [i.storeId, i.title]),
      [
        ['store-a', 'First'],
        ['store-b', 'Second'],
      ],
    );
    assert.equal(empty.code, 0);
    assert.equal(empty.stdout, '(none)\n');
  });
});

describe('erasures', () => {
  test("user erase starts a user's erasure once and queues its first step; user erasure shows it", async () => {
    const completions = stack.provisioned.names.queueUrls.erasures;
    const queued = await queueDepth(completions);
    const wrong = await cli('user', 'erase', 'erase-me', '--confirm', 'someone-else');
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--confirm <userId>, repeating the user id/);
    const unknown = await cli('user', 'erasure', 'erase-me');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no erasure of erase-me/);
    noStackTrace(unknown);

    const first = await cli('user', 'erase', 'erase-me', '--confirm', 'erase-me', '--json');
    assert.equal(first.code, 0, first.stderr);
    const started = JSON.parse(first.stdout) as {
      erasureId: string;
      state: string;
      phase: string;
      requestedBy: string;
    };
    assert.equal(started.state, 'erasing');
    assert.equal(started.phase, 'cancel');
    assert.equal(started.requestedBy, 'operator');
    assert.equal(await queueDepth(completions), queued + 1, 'its first step is queued');
    // Asked again: the same erasure, and no second chain of steps.
    const again = await cli('user', 'erase', 'erase-me', '--confirm', 'erase-me');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^already asked for: ${started.erasureId} erasing, step cancel`));
    assert.equal(await queueDepth(completions), queued + 1);
    const shown = await cli('user', 'erasure', 'erase-me');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /erasing, step cancel: 0 objects, 0 versions, 0 library items, 0 licenses/);
    // Stores are refused for the user from now on.
    const reg = await registerStore(stack.stores, {
      storeId: 'erase-cli-store',
      callbackUrl: 'https://store.example/cb',
      allowOrigins: ['https://cdn.example'],
    });
    const refused = await new StoreClient(stack.api.url, reg.apiKey).putLicense('erase-me', 1);
    assert.equal(refused.status, 409);
    assert.equal((refused.body as { error: { code: string } }).error.code, 'user_erasing');
  });
});

describe('dead-letter queues', () => {
  test('dlq list shows a dead message; dlq redrive moves it back to its queue', async () => {
    const { downloads } = stack.provisioned.queues;
    const body = JSON.stringify({
      cookie: 'dead-cookie',
      storeId: 'cli-store',
      userId: 'dlq-user',
      serviceTrackId: 42,
      trackUrl: 'https://media.cli.example/42.mp3',
    });
    const sent = await stack.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: downloads.dlqUrl, MessageBody: body }),
    );
    const mainBefore = await queueDepth(downloads.url);

    const [text, json, other] = await Promise.all([
      cli('dlq', 'list', 'downloads'),
      cli('dlq', 'list', 'downloads', '--json'),
      cli('dlq', 'list', 'completions'),
    ]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^1 message\(s\) in the downloads dead-letter queue/);
    assert.match(
      text.stdout,
      new RegExp(
        `${sent.MessageId}\\s+\\d+\\s+\\S+Z\\s+storeId=cli-store userId=dlq-user cookie=dead-cookie serviceTrackId=42`,
      ),
    );
    const listed = JSON.parse(json.stdout) as { messageId: string; body: string; receiveCount: number }[];
    assert.deepEqual(
      listed.map((m) => [m.messageId, m.body]),
      [[sent.MessageId, body]],
    );
    assert.ok(listed[0]!.receiveCount >= 1);
    assert.match(other.stdout, /^0 message\(s\) in the completions dead-letter queue/);
    assert.equal(await queueDepth(downloads.dlqUrl), 1, 'listing leaves the message where it is');

    const moved = await cli('dlq', 'redrive', 'downloads');
    assert.equal(moved.code, 0, moved.stderr);
    assert.match(
      moved.stdout,
      /^moved 1 message\(s\) from the downloads dead-letter queue back to the downloads queue/,
    );
    assert.equal(await queueDepth(downloads.dlqUrl), 0);
    assert.equal(await queueDepth(downloads.url), mainBefore + 1);
    const again = await cli('dlq', 'list', 'downloads', '--json');
    assert.deepEqual(JSON.parse(again.stdout), []);
  });

  test('summaries: message fields, or the body cut short', () => {
    assert.equal(summarize('{"kind":"track","cookie":"c","serviceTrackId":1}'), 'kind=track cookie=c serviceTrackId=1');
    assert.equal(summarize('x'.repeat(100)), `${'x'.repeat(77)}...`);
  });
});

describe("a store's lifecycle", () => {
  /** A fresh read of the stores table: no container's cache between the CLI's write and the check. */
  const fresh = () => new StoresRepo(stack.clients.ddb, stack.provisioned.names.tables.stores);
  const keyOf = (out: string) => /(tdk_\S+)/.exec(out)?.[1] ?? '';
  const status = async (key: string) => (await new StoreClient(stack.api.url, key).openSession('life-user')).status;

  test('rotate-key adds a key beside the old one; revoke-key takes one away, never the last by accident', async () => {
    const reg = await registerStore(stack.stores, {
      storeId: 'life-keys',
      callbackUrl: 'https://life.example/cb',
      allowOrigins: ['https://media.life.example'],
    });
    const rotated = await cli('store', 'rotate-key', 'life-keys', '--json');
    assert.equal(rotated.code, 0, rotated.stderr);
    const { apiKey: second, keyId } = JSON.parse(rotated.stdout) as { apiKey: string; keyId: string };
    assert.equal(await status(reg.apiKey), 201, 'the old key still works');
    assert.equal(await status(second), 201, 'the new key works');
    const third = keyOf((await cli('store', 'rotate-key', 'life-keys')).stdout);
    const listed = JSON.parse((await cli('store', 'keys', 'life-keys', '--json')).stdout) as { keyId: string }[];
    assert.equal(listed.length, 3);
    assert.ok(listed.some((k) => k.keyId === keyId));
    for (const out of [JSON.stringify(listed)]) assert.ok(![reg.apiKey, second, third].some((k) => out.includes(k)));
    // A key no container has looked up answers 401 at once; one looked up, once its cache ends.
    const thirdId = listed[2]?.keyId ?? '';
    assert.equal((await cli('store', 'revoke-key', 'life-keys', thirdId)).code, 0);
    assert.equal(await status(third), 401);
    assert.equal((await cli('store', 'revoke-key', 'life-keys', keyId)).code, 0);
    assert.equal(await fresh().findByKeyHash(hashApiKey(second)), undefined);
    const last = (await fresh().keysOf('life-keys')).map((k) => k.hash.slice(0, 12));
    assert.equal(last.length, 1);
    const refused = await cli('store', 'revoke-key', 'life-keys', last[0] ?? '');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /only API key/);
    const unknown = await cli('store', 'revoke-key', 'life-keys', 'abcdefabcdef');
    assert.equal(unknown.code, 1);
  });

  test('update changes the callback URL and allowlist, still refusing the own bucket', async () => {
    await registerStore(stack.stores, {
      storeId: 'life-update',
      callbackUrl: 'https://old.example/cb',
      allowOrigins: ['https://media.old.example'],
    });
    const r = await cli(
      'store',
      'update',
      'life-update',
      '--callback-url',
      'https://new.example/cb',
      '--allow-origin',
      'https://MEDIA.new.example:443',
      '--redownload',
    );
    assert.equal(r.code, 0, r.stderr);
    const store = await fresh().get('life-update');
    assert.equal(store?.callbackUrl, 'https://new.example/cb');
    assert.deepEqual(store?.allowOrigins, ['https://media.new.example']);
    assert.equal(store?.redownload, true);
    const own = await cli('store', 'update', 'life-update', '--allow-origin', `s3://${stack.provisioned.names.bucket}`);
    assert.equal(own.code, 2);
    assert.match(own.stderr, /own bucket/);
    const badUrl = await cli('store', 'update', 'life-update', '--callback-url', 'ftp://x.example/cb');
    assert.equal(badUrl.code, 2);
    assert.deepEqual((await fresh().get('life-update'))?.allowOrigins, ['https://media.new.example']);
    const missing = await cli('store', 'update', 'no-such-store', '--name', 'x');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no store no-such-store/);
  });

  test('suspend answers 403 store_suspended; resume lifts it; remove keeps the audit trail', async () => {
    const reg = await registerStore(stack.stores, {
      storeId: 'life-suspend',
      callbackUrl: 'https://s.example/cb',
      allowOrigins: ['https://media.s.example'],
    });
    const s = await cli('store', 'suspend', 'life-suspend', '--reason', 'unpaid invoice');
    assert.equal(s.code, 0, s.stderr);
    const refused = await new StoreClient(stack.api.url, reg.apiKey).openSession('life-user');
    assert.equal(refused.status, 403);
    assert.equal((refused.body as unknown as { error: { code: string } }).error.code, 'store_suspended');
    assert.equal((await cli('store', 'resume', 'life-suspend')).code, 0);
    assert.equal((await fresh().get('life-suspend'))?.suspendedAt, undefined);
    const noConfirm = await cli('store', 'remove', 'life-suspend');
    assert.equal(noConfirm.code, 2);
    assert.ok(await fresh().get('life-suspend'), 'not removed without --confirm');
    const removed = await cli('store', 'remove', 'life-suspend', '--confirm', 'life-suspend');
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /users' files and library rows stay/);
    assert.equal(await fresh().get('life-suspend'), undefined);
    assert.deepEqual(await fresh().keysOf('life-suspend'), []);
    const trail = JSON.parse((await cli('store', 'audit', 'life-suspend', '--json')).stdout) as {
      action: string;
      actor: string;
      detail: string;
      at: string;
    }[];
    assert.deepEqual(
      trail.map((e) => e.action),
      ['suspend', 'resume', 'remove'],
    );
    assert.equal(trail[0]?.detail, 'unpaid invoice');
    assert.ok(trail.every((e) => e.actor.length > 0 && !Number.isNaN(Date.parse(e.at))));
  });
});
