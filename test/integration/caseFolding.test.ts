import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { listKeys } from '../../functions/adapters/bucketObjects.js';
import { keyIdentity } from '../../functions/core/keyLayout.js';
import type { LocalStack } from '../../infra/local/localStack.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import type { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { startStoreOnStack } from '../support/storeOnStack.js';

let stack: LocalStack;
let store: FakeStore;
let client: StoreClient;
let files = 0;

before(async () => {
  ({ stack, store, client } = await startStoreOnStack('case-shop'));
});

after(async () => {
  await stack?.stop();
  await store?.close();
});

interface Tags {
  readonly artist: string;
  readonly album: string;
  readonly title: string;
  readonly trackNumber: number;
}

/** Delivers the tracks to one user through the whole pipeline and answers the user's object keys. */
async function deliver(user: string, tracks: readonly Tags[]): Promise<string[]> {
  const cookie = (await client.openSession(user)).body.cookie;
  const before = store.events.length;
  for (const tags of tracks) {
    files += 1;
    await client.putLicense(user, files);
    const url = store.addFile(`case${files}.mp3`, makeMp3(tags));
    const res = await client.downloadTrack(cookie, {
      trackUrl: url,
      serviceTrackId: files,
      downloadParams: '',
      hrDownload: 0,
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
  }
  const deadline = Date.now() + 30_000;
  const told = () => store.events.slice(before).filter((e) => e.body.event === 'DownloadTrackComplete').length;
  while (told() < tracks.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(told(), tracks.length);
  return (await listKeys(stack.clients.s3, stack.provisioned.names.bucket, `users/${user}/Music/`)).filter(
    (k) => !/\/Folder\.(jpg|png)$/.test(k),
  );
}

/** Every folder path and file key, each once: no two may differ only in case (as a case-insensitive disk sees them). */
function assertCaseDistinct(keys: readonly string[]): void {
  const spellings = new Map<string, string>();
  for (const key of keys) {
    const parts = key.split('/');
    for (let depth = 1; depth <= parts.length; depth++) {
      const path = parts.slice(0, depth).join('/');
      const seen = spellings.get(keyIdentity(path));
      assert.ok(seen === undefined || seen === path, `${seen} and ${path} are one name on a case-insensitive disk`);
      spellings.set(keyIdentity(path), path);
    }
  }
}

test('folders that differ only in case are one folder: the first spelling wins', async () => {
  // The first spelling is filed before the others arrive: tracks of one batch run side by side.
  const first = await deliver('case-user', [{ artist: 'Case', album: 'Dup', title: 'Same Name', trackNumber: 9 }]);
  const rest = await deliver('case-user', [
    { artist: 'CASE', album: 'DUP', title: 'SAME NAME', trackNumber: 9 },
    { artist: 'case', album: 'dup', title: 'same name', trackNumber: 9 },
    { artist: 'CASE', album: 'Other', title: 'Else', trackNumber: 1 },
  ]);
  // Each delivery lists the user's whole folder: the second holds the first's file too.
  assert.equal(first.length, 1);
  const keys = rest;
  assert.equal(keys.length, 4);
  assertCaseDistinct(keys);
  assert.ok(
    keys.every((k) => k.startsWith('users/case-user/Music/Case/')),
    keys.join('\n'),
  );
  assert.ok(keys.includes('users/case-user/Music/Case/Other/01 Else.mp3'), keys.join('\n'));
});

// Spellings of a few names that fold together (including Σ/σ/ς and ß against SS, which do not).
const word = fc.constantFrom('Case', 'CASE', 'case', 'cAsE', 'Σοφία', 'ΣΟΦΊΑ', 'σοφίας', 'Straße', 'STRASSE');

test('no two keys of one user are equal when case-folded, at any level', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ artist: word, album: word, title: word, trackNumber: fc.integer({ min: 1, max: 2 }) }), {
        minLength: 2,
        maxLength: 8,
      }),
      async (tracks) => {
        run += 1;
        const keys = await deliver(`fold-user-${run}`, tracks);
        assert.equal(keys.length, tracks.length, 'one file per track');
        assertCaseDistinct(keys);
      },
    ),
    { numRuns: 6, seed: 4242 },
  );
});
