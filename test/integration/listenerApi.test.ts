import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { createJwtAuthorizer } from '../../infra/local/httpApi/jwtAuthorizer.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';
import { StoreClient } from '../../testkit/storeClient.js';

let stack: LocalStack;
let alice: StoreClient;
let aliceKey: string;
const origin = 'https://cdn.alice.example';
const key = 'users/u1/Music/Artist/Album/05 Ünïcode Title.mp3';
const cover = 'users/u1/Music/Artist/Album/Folder.jpg';
const bytes = Buffer.from('ID3 not really an mp3, but bytes all the same');

interface ListenerItemJson {
  readonly storeId?: string;
  readonly serviceTrackId?: number;
  readonly key?: string;
  readonly title?: string;
  readonly bytes?: number;
  readonly coverKey?: string;
  readonly fileName?: string;
  readonly contentType?: string;
  readonly userId?: unknown;
  readonly cookie?: unknown;
}

interface ListenerSessionJson {
  readonly id?: string;
  readonly createdAt?: string;
  readonly total?: number;
  readonly counts?: Readonly<Record<string, number>>;
  readonly inProgress?: boolean;
}

/** The fields of the listener API's answers that these tests read; each answer has some of them. */
interface ListenerBody {
  readonly items?: ListenerItemJson[];
  readonly sessions?: ListenerSessionJson[];
  readonly next?: string;
  readonly key?: string;
  readonly url?: string;
  readonly expiresAt?: string;
  readonly error?: { readonly code?: string };
  readonly message?: string;
}

/** A GET of a listener route with the given Authorization header (none when undefined); an empty body reads as {}. */
async function get(
  path: string,
  authorization?: string,
): Promise<{ status: number; body: ListenerBody; headers: Headers }> {
  const res = await fetch(`${stack.api.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as ListenerBody) : {}, headers: res.headers };
}
const bearer = async (userId: string) => `Bearer ${await stack.issuer.mint(userId)}`;

before(async () => {
  stack = await startLocalStack({ pollers: false, lockerOrigins: ['http://locker.test'] });
  const a = await registerStore(stack.stores, {
    storeId: 'alice-music',
    callbackUrl: 'https://alice.example/cb',
    allowOrigins: [origin],
  });
  await registerStore(stack.stores, {
    storeId: 'bob-music',
    callbackUrl: 'https://bob.example/cb',
    allowOrigins: [origin],
  });
  aliceKey = a.apiKey;
  alice = new StoreClient(stack.api.url, a.apiKey);
  await alice.putLicense('u1', 5);
  const cookie = (await alice.openSession('u1')).body.cookie;
  await alice.downloadTrack(cookie, {
    trackUrl: `${origin}/5.mp3`,
    serviceTrackId: 5,
    downloadParams: '',
    hrDownload: 0,
  });
  await alice.downloadTrack(cookie, { serviceTrackId: 6, downloadParams: '', hrDownload: '0x80004005' });
  const addedAt = new Date().toISOString();
  const row = {
    userId: 'u1',
    cookie,
    bytes: bytes.length,
    sha256: 'a'.repeat(64),
    addedAt,
    artist: 'Artist',
    album: 'Album',
  };
  await stack.deps.completion.library.addOnce({
    ...row,
    storeId: 'alice-music',
    serviceTrackId: 5,
    key,
    title: 'Ünïcode Title',
    contentType: 'audio/mpeg',
    coverKey: cover,
  });
  await stack.deps.completion.library.addOnce({
    ...row,
    storeId: 'bob-music',
    serviceTrackId: 9,
    key: 'users/u1/Music/Other/Thing/01 Nine.flac',
    title: 'Nine',
  });
  await stack.deps.completion.library.addOnce({
    ...row,
    userId: 'u2',
    storeId: 'alice-music',
    serviceTrackId: 7,
    key: 'users/u2/Music/X/Y/07 Z.mp3',
    title: 'Z',
  });
  await stack.clients.s3.send(
    new PutObjectCommand({ Bucket: stack.provisioned.names.bucket, Key: key, Body: bytes, ContentType: 'audio/mpeg' }),
  );
});

after(async () => stack?.stop());

describe('a listener with a valid token', () => {
  test('sees their library across every store, paginated, with tags, bytes and cover key', async () => {
    const auth = await bearer('u1');
    const all = await get('/v1/me/library', auth);
    assert.equal(all.status, 200);
    assert.equal(all.headers.get('cache-control'), 'no-store');
    assert.deepEqual(
      all.body.items?.map((i) => [i.storeId, i.serviceTrackId]),
      [
        ['alice-music', 5],
        ['bob-music', 9],
      ],
    );
    const first = all.body.items?.[0];
    assert.ok(first);
    assert.equal(first.title, 'Ünïcode Title');
    assert.equal(first.bytes, bytes.length);
    assert.equal(first.coverKey, cover);
    assert.equal(first.fileName, '05 Ünïcode Title.mp3');
    assert.equal(all.body.items?.[1]?.contentType, 'audio/flac', 'type from the extension when the row has none');
    assert.equal(first.userId, undefined);
    assert.equal(first.cookie, undefined, "the store's cookie is not the listener's to see");
    const p1 = await get('/v1/me/library?limit=1', auth);
    assert.equal(p1.body.items?.length, 1);
    const p2 = await get(`/v1/me/library?limit=1&next=${p1.body.next}`, auth);
    assert.deepEqual(
      p2.body.items?.map((i) => i.serviceTrackId),
      [9],
    );
    assert.equal((await get('/v1/me/library?limit=0', auth)).body.error?.code, 'invalid_request');
    assert.equal((await get('/v1/me/library?next=bm9wZQ', auth)).status, 400);
  });

  test('reads one item, and gets a short-lived presigned URL that serves the file', async () => {
    const auth = await bearer('u1');
    const item = await get('/v1/me/library/alice-music/5', auth);
    assert.equal(item.status, 200);
    assert.equal(item.body.key, key);
    const signed = await get('/v1/me/library/alice-music/5/url?disposition=attachment', auth);
    assert.equal(signed.status, 200);
    assert.ok(signed.body.url?.startsWith(stack.emulators.endpoints.s3), 'points at the S3 endpoint');
    const url = new URL(signed.body.url ?? '');
    assert.equal(url.searchParams.get('X-Amz-Expires'), '300');
    assert.equal(url.searchParams.get('response-content-type'), 'audio/mpeg');
    assert.equal(
      url.searchParams.get('response-content-disposition'),
      `attachment; filename="05 _n_code Title.mp3"; filename*=UTF-8''05%20%C3%9Cn%C3%AFcode%20Title.mp3`,
    );
    assert.ok(Date.parse(signed.body.expiresAt ?? '') - Date.now() <= 300_000);
    const file = await fetch(url);
    assert.equal(file.status, 200);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), bytes);
    const coverUrl = await get('/v1/me/library/alice-music/5/url?part=cover', auth);
    assert.equal(new URL(coverUrl.body.url ?? '').searchParams.get('response-content-type'), 'image/jpeg');
    assert.equal((await get('/v1/me/library/bob-music/9/url?part=cover', auth)).body.error?.code, 'cover_not_found');
    assert.equal((await get('/v1/me/library/alice-music/5/url?part=lyrics', auth)).status, 400);
  });

  test('sees their download sessions with counts, newest first', async () => {
    const cookie2 = (await alice.openSession('u1')).body.cookie;
    const mine = await get('/v1/me/downloads', await bearer('u1'));
    assert.equal(mine.status, 200);
    assert.equal(mine.body.sessions?.length, 2);
    const [newest, older] = mine.body.sessions ?? [];
    assert.equal(newest?.total, 0);
    assert.deepEqual(
      [older?.total, older?.counts?.queued, older?.counts?.declined, older?.inProgress],
      [2, 1, 1, true],
    );
    assert.ok(!JSON.stringify(mine.body).includes(cookie2), 'no cookie in the answer');
    assert.deepEqual((await get('/v1/me/downloads', await bearer('u2'))).body.sessions, []);
  });

  test('pages their sessions with a cursor that carries no cookie, and refuses a forged one', async () => {
    const auth = await bearer('u1');
    const all = await get('/v1/me/downloads', auth);
    const p1 = await get('/v1/me/downloads?limit=1', auth);
    assert.equal(p1.body.sessions?.length, 1);
    const cursor = String(p1.body.next);
    // Inside: only the page's last session as the listener knows it (its id, never its cookie),
    // and the tag of the listing that issued it.
    const { l, ...inside } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    assert.deepEqual(inside, { v: 1, t: p1.body.sessions?.[0]?.createdAt, i: p1.body.sessions?.[0]?.id });
    assert.match(String(l), /^[A-Za-z0-9_-]{11}$/);
    assert.equal(
      (await get(`/v1/me/downloads?limit=1&next=${cursor}`, await bearer('u2'))).status,
      400,
      "another listener's cursor",
    );
    const p2 = await get(`/v1/me/downloads?limit=1&next=${cursor}`, auth);
    assert.deepEqual(
      [p1.body.sessions?.[0]?.id, p2.body.sessions?.[0]?.id],
      all.body.sessions?.slice(0, 2).map((x) => x.id),
    );
    assert.equal((await get('/v1/me/downloads?next=bm9wZQ', auth)).status, 400);
  });

  test('answers CORS for the configured locker origin only', async () => {
    const pre = await fetch(`${stack.api.url}/v1/me/library`, {
      method: 'OPTIONS',
      headers: { origin: 'http://locker.test', 'access-control-request-method': 'GET' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://locker.test');
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const other = await fetch(`${stack.api.url}/v1/me/library`, {
      headers: { origin: 'http://evil.test', authorization: await bearer('u1') },
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });
});

describe("another user's token", () => {
  test("finds none of the user's items, files or sessions (404, as a missing one)", async () => {
    const auth = await bearer('u2');
    assert.deepEqual(
      (await get('/v1/me/library', auth)).body.items?.map((i) => i.key),
      ['users/u2/Music/X/Y/07 Z.mp3'],
    );
    for (const path of [
      '/v1/me/library/alice-music/5',
      '/v1/me/library/alice-music/5/url',
      '/v1/me/library/alice-music/5/url?part=cover',
      '/v1/me/library/bob-music/9',
    ]) {
      const res = await get(path, auth);
      assert.equal(res.status, 404, path);
      assert.equal(res.body.error?.code, 'item_not_found', path);
    }
    assert.equal((await get('/v1/me/library/Not_A_Store/5', auth)).status, 404);
  });
});

describe('tokens API Gateway would refuse: 401 {"message":"Unauthorized"} on every listener route', () => {
  const listenerPaths = [
    '/v1/me/library',
    '/v1/me/library/alice-music/5',
    '/v1/me/library/alice-music/5/url',
    '/v1/me/downloads',
  ];
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<string | undefined>][] = [
    ['no Authorization header', async () => undefined],
    ['a store API key', async () => `Bearer ${aliceKey}`],
    ['garbage', async () => 'Bearer not.a.jwt'],
    [
      'forged (signed by another key, same kid)',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        const real = JSON.parse(
          Buffer.from((await stack.issuer.mint('u1')).split('.')[0]!, 'base64url').toString('utf8'),
        ) as { kid: string };
        return `Bearer ${await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'RS256', kid: real.kid }).setIssuer(stack.issuer.url).setAudience(stack.issuer.audience).setIssuedAt().setExpirationTime('1h').sign(privateKey)}`;
      },
    ],
    [
      'expired',
      async () => `Bearer ${await stack.issuer.mint('u1', { claims: { iat: now() - 7200, exp: now() - 60 } })}`,
    ],
    ['not yet valid (nbf)', async () => `Bearer ${await stack.issuer.mint('u1', { claims: { nbf: now() + 600 } })}`],
    [
      'issued in the future (iat)',
      async () => `Bearer ${await stack.issuer.mint('u1', { claims: { iat: now() + 600 } })}`,
    ],
    [
      'wrong issuer',
      async () => `Bearer ${await stack.issuer.mint('u1', { claims: { iss: 'https://other-issuer.example' } })}`,
    ],
    ['wrong audience', async () => `Bearer ${await stack.issuer.mint('u1', { claims: { aud: 'someone-else' } })}`],
    ['no exp', async () => `Bearer ${await stack.issuer.mint('u1', { claims: { exp: undefined } })}`],
    [
      'unsigned (alg none)',
      async () =>
        `Bearer ${new UnsecuredJWT({ sub: 'u1' }).setIssuer(stack.issuer.url).setAudience(stack.issuer.audience).setIssuedAt().setExpirationTime('1h').encode()}`,
    ],
  ];
  for (const [name, token] of cases) {
    test(name, async () => {
      const auth = await token();
      for (const path of listenerPaths) {
        const res = await get(path, auth);
        assert.equal(res.status, 401, `${name}: ${path}`);
        assert.deepEqual(res.body, { message: 'Unauthorized' }, path);
      }
    });
  }

  test('a token whose user claim breaks the userId rules is refused by the function (403)', async () => {
    const res = await get('/v1/me/library', `Bearer ${await stack.issuer.mint('..')}`);
    assert.equal(res.status, 403);
    assert.equal(res.body.error?.code, 'invalid_user_claim');
  });
});

test('a listener token never works on store routes', async () => {
  const asStore = new StoreClient(stack.api.url, await stack.issuer.mint('u1'));
  for (const res of [await asStore.library('u1'), await asStore.openSession('u1'), await asStore.putLicense('u1', 1)]) {
    assert.equal(res.status, 401);
    assert.equal((res.body as { error: { code: string } }).error.code, 'unauthenticated');
  }
});

describe('the JWT authorizer on its own', () => {
  test('accepts client_id in place of a missing aud, as for Cognito access tokens, and passes claims as text', async () => {
    const authorize = createJwtAuthorizer({ issuer: stack.issuer.url, audience: [stack.issuer.audience] });
    const token = await stack.issuer.mint('u1', {
      claims: { aud: undefined, client_id: stack.issuer.audience, groups: ['a', 'b'] },
    });
    const ok = await authorize(`Bearer ${token}`);
    assert.ok(ok.ok);
    assert.equal(ok.jwt.claims.sub, 'u1');
    assert.equal(ok.jwt.claims.groups, '[a b]');
    assert.match(ok.jwt.claims.exp ?? '', /^\d+$/);
    assert.equal(ok.jwt.scopes, null);
  });

  test('a route with scopes wants one of them (403 Forbidden without)', async () => {
    const authorize = createJwtAuthorizer({
      issuer: stack.issuer.url,
      audience: [stack.issuer.audience],
      jwksUrl: stack.issuer.jwksUrl,
    });
    const without = await authorize(`Bearer ${await stack.issuer.mint('u1')}`, ['library.read']);
    assert.deepEqual(without, { ok: false, status: 403, body: { message: 'Forbidden' } });
    const other = await authorize(`Bearer ${await stack.issuer.mint('u1', { scopes: ['profile'] })}`, ['library.read']);
    assert.equal(other.ok, false);
    const withScope = await authorize(
      `Bearer ${await stack.issuer.mint('u1', { scopes: ['profile', 'library.read'] })}`,
      ['library.read'],
    );
    assert.ok(withScope.ok);
    assert.deepEqual(withScope.jwt.scopes, ['profile', 'library.read']);
  });
});
