import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { openApiDocument } from '../../functions/api/openApi.js';
import { settingsEnv, settingsFromEnv, type TrackdropSettings } from '../../functions/settings.js';
import { type AsDeployedStack, startAsDeployedStack } from '../../infra/local/asDeployed/asDeployedStack.js';
import { synthCloudAssembly } from '../../infra/local/asDeployed/cloudAssembly.js';
import { createJwtAuthorizer } from '../../infra/local/httpApi/jwtAuthorizer.js';
import { type LocalIssuer, startLocalIssuer } from '../../infra/local/localIssuer.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';

// API Gateway's behaviours, asked of both hosts: the source tree's plan on the in-process stack,
// and the template's on the synthesized stack. One emulation serves both, so each behaviour must
// answer the same; a test here that passes on one host and fails on the other is a plan that
// differs, which the template would deploy.

const locker = 'http://locker.test:4200';

interface Host {
  readonly apiUrl: string;
  readonly issuer: LocalIssuer;
  /** The settings its listener was given: from the source tree, or the template's environment. */
  readonly settings: TrackdropSettings;
}

const hosts = new Map<string, Host>();
let source: LocalStack;
let deployed: AsDeployedStack;
let deployedIssuer: LocalIssuer;
let outdir: string;

before(async () => {
  source = await startLocalStack({ lockerOrigins: [locker] });
  hosts.set('source', { apiUrl: source.api.url, issuer: source.issuer, settings: source.settings });
  outdir = mkdtempSync(join(tmpdir(), 'trackdrop-httpapi-'));
  const assembly = await synthCloudAssembly({ outdir, context: { lockerOrigins: locker } });
  deployedIssuer = await startLocalIssuer();
  const verify = createJwtAuthorizer({ issuer: deployedIssuer.url, audience: [deployedIssuer.audience] });
  deployed = await startAsDeployedStack({ assembly, jwtVerifier: () => verify });
  const listener = [...deployed.functions.values()].find((f) => f.logicalId.startsWith('FunctionsListener'));
  const given = z
    .object({ Environment: z.object({ Variables: z.object({ [settingsEnv]: z.string() }) }) })
    .parse(assembly.template.Resources[listener?.logicalId ?? '']?.Properties);
  const settings = settingsFromEnv(given.Environment.Variables);
  hosts.set('as deployed', { apiUrl: deployed.api.url, issuer: deployedIssuer, settings });
});

after(async () => {
  await source?.stop();
  await deployed?.stop();
  await deployedIssuer?.close();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

for (const name of ['source', 'as deployed']) {
  const host = () => {
    const h = hosts.get(name);
    if (!h) throw new Error(`${name} did not start`);
    return h;
  };

  describe(`API Gateway, ${name}`, () => {
    test('route selection: an unknown path, a wrong method and a trailing slash are 404 Not Found', async () => {
      for (const [method, path] of [
        ['GET', '/v1/nothing-here'],
        ['PATCH', '/v1/downloads'],
        ['GET', '/v1/openapi.json/'],
        ['GET', '/v1/me/library/store-a'],
      ] as const) {
        const res = await fetch(`${host().apiUrl}${path}`, { method });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.deepEqual(await res.json(), { message: 'Not Found' });
      }
      const literal = await fetch(`${host().apiUrl}/v1/openapi.json`);
      assert.equal(literal.status, 200);
    });

    test('the OpenAPI document served is the one generated for the settings the listener runs with', async () => {
      // As deployed, it is the file the listener's bundling wrote; from the sources, generated.
      const res = await fetch(`${host().apiUrl}/v1/openapi.json`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
      assert.deepEqual(await res.json(), openApiDocument(host().settings));
    });

    test('CORS preflight: answered by API Gateway for an allowed origin, without CORS headers for another', async () => {
      const ask = (origin: string) =>
        fetch(`${host().apiUrl}/v1/me/library`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
      const allowed = await ask(locker);
      assert.equal(allowed.status, 204);
      assert.equal(allowed.headers.get('access-control-allow-origin'), locker);
      assert.equal(allowed.headers.get('access-control-allow-methods'), 'GET,DELETE,OPTIONS');
      assert.equal(allowed.headers.get('access-control-allow-headers'), 'authorization,content-type');
      assert.equal(allowed.headers.get('access-control-max-age'), '600');
      const other = await ask('https://elsewhere.example');
      assert.equal(other.status, 204);
      assert.equal(other.headers.get('access-control-allow-origin'), null);
      // A response to the page's own request carries the origin, refused or not.
      const refused = await fetch(`${host().apiUrl}/v1/me/library`, { headers: { origin: locker } });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('access-control-allow-origin'), locker);
    });

    test('JWT authorizer: no token, a foreign or expired one are 401 before the function; a good one passes', async () => {
      const url = `${host().apiUrl}/v1/me/library`;
      const { issuer } = host();
      const tries = {
        none: undefined,
        garbage: 'Bearer not-a-token',
        foreignAudience: `Bearer ${await issuer.mint('jwt-user', { claims: { aud: 'someone-else' } })}`,
        expired: `Bearer ${await issuer.mint('jwt-user', { claims: { exp: Math.floor(Date.now() / 1000) - 60 } })}`,
      };
      for (const [what, authorization] of Object.entries(tries)) {
        const res = await fetch(url, authorization ? { headers: { authorization } } : {});
        assert.equal(res.status, 401, what);
        assert.deepEqual(await res.json(), { message: 'Unauthorized' }, what);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer', what);
      }
      const ok = await fetch(url, { headers: { authorization: `Bearer ${await issuer.mint('jwt-user')}` } });
      assert.equal(ok.status, 200);
      const body = (await ok.json()) as { items?: unknown };
      assert.deepEqual(body.items, []);
    });
  });
}
