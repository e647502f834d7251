import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { userIdSchema } from '../../functions/core/schemas.js';

/** The audience the sandbox's listener tokens carry and its API accepts. */
export const localAudience = 'trackdrop-locker';

export interface MintOptions {
  /** Seconds the token is valid; default one hour. */
  readonly ttlSeconds?: number;
  readonly scopes?: readonly string[];
  /** Extra or overriding claims (tests make expired, early or foreign tokens with them). */
  readonly claims?: Record<string, unknown>;
}

export interface LocalIssuer {
  /** `iss` of its tokens, and where its OpenID configuration and JWKS are served. */
  readonly url: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** A signed token for the user, as the locker's identity provider would issue after sign-in. */
  mint(userId: string, opts?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

interface KeyFile {
  readonly privateJwk: JWK;
}

/**
 * The sandbox's stand-in for a locker's identity provider: an RSA key pair kept in the data
 * folder (so tokens outlive a restart), an OpenID configuration and JWKS over HTTP as any
 * issuer publishes them, and `POST /token {"userId"}` for the locker page's local sign-in,
 * which picks a user instead of asking for a password. Not for use beyond the sandbox.
 */
export async function startLocalIssuer(
  opts: { dataDir?: string | undefined; port?: number; host?: string } = {},
): Promise<LocalIssuer> {
  const { privateKey, publicJwk } = await loadOrCreateKey(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  let url = '';
  const server = http.createServer((req, res) => {
    void serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const mint = (userId: string, m: MintOptions = {}): Promise<string> =>
    mintToken({ privateKey, publicJwk }, url, userId, m);
  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    // The locker page signs in from its own origin.
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'content-type',
      'access-control-allow-methods': 'GET, POST',
    };
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cors });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      send(200, {
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks.json`,
        token_endpoint: `${url}/token`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
      return;
    }
    if (req.method === 'GET' && path === '/.well-known/jwks.json') {
      send(200, { keys: [publicJwk] });
      return;
    }
    if (req.method === 'POST' && path === '/token') {
      let body: unknown;
      try {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        send(400, { error: 'invalid_request', error_description: 'body must be {"userId": "…"}' });
        return;
      }
      const userId = userIdSchema.safeParse(
        typeof body === 'object' && body !== null && 'userId' in body ? body.userId : undefined,
      );
      if (!userId.success) {
        send(400, { error: 'invalid_request', error_description: 'userId must be 1-128 of A-Z a-z 0-9 . _ -' });
        return;
      }
      send(200, { access_token: await mint(userId.data), token_type: 'Bearer', expires_in: 3600 });
      return;
    }
    send(404, { error: 'not_found' });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    audience: localAudience,
    jwksUrl: `${url}/.well-known/jwks.json`,
    mint,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface IssuerKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** A token as the issuer at `issuerUrl` signs it: RS256, its key's `kid`, the local audience, one hour. */
export async function mintToken(
  key: IssuerKey,
  issuerUrl: string,
  userId: string,
  m: MintOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuerUrl,
    aud: localAudience,
    sub: userId,
    iat: now,
    exp: now + (m.ttlSeconds ?? 3600),
    ...(m.scopes?.length ? { scope: m.scopes.join(' ') } : {}),
    ...m.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.publicJwk.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

/** The sandbox's issuer key from its data folder (the operator CLI mints tokens with it); undefined when there is none yet. */
export async function readIssuerKey(dataDir: string): Promise<IssuerKey | undefined> {
  return existsSync(join(dataDir, issuerKeyFile)) ? loadOrCreateKey(dataDir) : undefined;
}

const issuerKeyFile = 'issuer-key.json';

async function loadOrCreateKey(dataDir: string | undefined): Promise<IssuerKey> {
  const file = dataDir ? join(dataDir, issuerKeyFile) : undefined;
  let privateJwk: JWK;
  if (file && existsSync(file)) {
    privateJwk = (JSON.parse(readFileSync(file, 'utf8')) as KeyFile).privateJwk;
  } else {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateJwk = await exportJWK(pair.privateKey);
    privateJwk.kid = await calculateJwkThumbprint(privateJwk);
    if (file && dataDir) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify({ privateJwk } satisfies KeyFile), { mode: 0o600 });
    }
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, 'RS256');
  if (!('type' in privateKey)) throw new Error('issuer key must be an RSA key');
  return { privateKey, publicJwk: { ...publicJwk, alg: 'RS256', use: 'sig' } };
}
