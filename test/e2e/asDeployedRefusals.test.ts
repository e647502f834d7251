import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { objectsUnder } from '../../functions/adapters/bucketObjects.js';
import { registerStore } from '../../functions/service/admin/registerStore.js';
import { type AsDeployedStack, startAsDeployedStack } from '../../infra/local/asDeployed/asDeployedStack.js';
import { type CloudAssembly, withTemplate } from '../../infra/local/asDeployed/cloudAssembly.js';
import type { CfnTemplate } from '../../infra/local/asDeployed/template.js';
import { InvalidRouteKeyError } from '../../infra/local/httpApi/routeSelection.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';
import { makeMp3 } from '../../testkit/taggedAudio.js';
import { queueDepth } from '../support/receiveEvent.js';
import { asDeployedTarget, synthForTests } from './asDeployedTarget.js';

// The as-deployed checks can fail: a template with one grant fewer, or a route key API Gateway
// would refuse, does not run here either.

let synth: { assembly: CloudAssembly; cleanup(): void };

before(async () => {
  synth = await synthForTests();
});
after(() => synth?.cleanup());

/** A copy of the template whose worker role no longer has `action`. */
function withoutWorkerGrant(template: CfnTemplate, action: string): CfnTemplate {
  const copy = structuredClone(template) as CfnTemplate;
  const worker = Object.entries(copy.Resources).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('FunctionsWorker'),
  );
  assert.ok(worker, 'the template has a worker function');
  const role = worker[1].Properties?.Role as { 'Fn::GetAtt': [string] } | undefined;
  assert.ok(role, 'the worker function has a role');
  const roleId = role['Fn::GetAtt'][0];
  let removed = 0;
  for (const r of Object.values(copy.Resources)) {
    const roles = (r.Properties?.Roles as { Ref: string }[] | undefined) ?? [];
    if (r.Type !== 'AWS::IAM::Policy' || !roles.some((x) => x.Ref === roleId)) continue;
    // The template's own JSON, edited in place.
    for (const s of (r.Properties!.PolicyDocument as { Statement: { Action?: string | string[] }[] }).Statement) {
      if (!Array.isArray(s.Action) || !s.Action.includes(action)) continue;
      s.Action = s.Action.filter((a) => a !== action);
      removed += 1;
    }
  }
  assert.ok(removed > 0, `the worker had no ${action} grant to remove`);
  return copy;
}

describe('without the worker s3:PutObject grant', () => {
  let stack: AsDeployedStack;
  let store: FakeStore;

  before(async () => {
    stack = await startAsDeployedStack({
      assembly: withTemplate(synth.assembly, withoutWorkerGrant(synth.assembly.template, 's3:PutObject')),
    });
    store = await startFakeStore();
  });
  after(async () => {
    await stack?.stop();
    await store?.close();
  });

  test('a track is not stored, its message stays for a retry, and the denial is reported', async () => {
    const target = asDeployedTarget(stack);
    const reg = await registerStore(target.stores, {
      storeId: 'no-put',
      callbackUrl: store.callbackUrl,
      allowOrigins: [store.originUrl],
    });
    store.secret = reg.signingSecret;
    const client = new StoreClient(target.apiUrl, reg.apiKey);
    assert.equal((await client.putLicense('u1', 7, { licenseId: 'lic-7' })).status, 201);
    const { body: session } = await client.openSession('u1');
    const queued = await client.downloadTrack(session.cookie, {
      trackUrl: store.addFile('t7.mp3', makeMp3({ title: 'Seven' })),
      serviceTrackId: 7,
      downloadParams: 'p7',
      hrDownload: 0,
    });
    assert.equal(queued.status, 202);

    const worker = [...stack.functions.values()].find((f) => f.logicalId.startsWith('FunctionsWorker'))!;
    const deadline = Date.now() + 30_000;
    while (!stack.denials.some((d) => d.action === 's3:PutObject') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const denial = stack.denials.find((d) => d.action === 's3:PutObject');
    assert.ok(denial, 'the missing grant was reported');
    assert.equal(denial.function, worker.runner.spec.name);
    assert.match(denial.resource, new RegExp(`^arn:aws:s3:::${target.bucket}/(staging|users)/`));
    assert.deepEqual(
      stack.denials.filter((d) => d.action !== 's3:PutObject'),
      [],
      'nothing else was refused',
    );

    // Retried, as on AWS: the message is back in the queue (invisible until its visibility timeout), the track still queued.
    const downloadsQueue = stack.outputs.DownloadsQueueUrl!;
    for (let i = 0; i < 100 && (await queueDepth(stack.admin.sqs, downloadsQueue)).inFlight !== 1; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await queueDepth(stack.admin.sqs, downloadsQueue), { visible: 0, inFlight: 1 });
    const { body: status } = await client.session(session.cookie);
    assert.equal(status.tracks[0]?.state, 'queued');
    assert.equal((await objectsUnder(stack.admin.s3, target.bucket, 'users/')).size, 0);
    assert.equal(store.events.filter((e) => e.body.event === 'DownloadTrackComplete').length, 0);
  });
});

test('a route key API Gateway would refuse stops the stack from starting', async () => {
  const template = structuredClone(synth.assembly.template) as CfnTemplate;
  const route = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::ApiGatewayV2::Route' && String(r.Properties?.RouteKey).endsWith('tracks:batch'),
  )!;
  // A path variable must be a whole path part: `{cookie}:batch` is refused on deploy.
  (route.Properties as { RouteKey: string }).RouteKey = 'POST /v1/downloads/{cookie}:batch';
  await assert.rejects(startAsDeployedStack({ assembly: withTemplate(synth.assembly, template) }), (err: Error) => {
    assert.ok(err instanceof InvalidRouteKeyError, String(err));
    assert.match(err.message, /\{cookie\}:batch/);
    return true;
  });
});

test("a JWT route is checked by its authorizer before the function runs, with the template's audience and scopes", async () => {
  const template = structuredClone(synth.assembly.template) as CfnTemplate;
  const [routeId, route] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route')!;
  // The template's own route, put behind a JWT authorizer as the listener routes are.
  template.Resources.ProbeAuthorizer = {
    Type: 'AWS::ApiGatewayV2::Authorizer',
    Properties: {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example', Audience: ['listener-app'] },
    },
  };
  template.Resources[`${routeId}Jwt`] = {
    Type: 'AWS::ApiGatewayV2::Route',
    Properties: {
      ...route.Properties,
      RouteKey: 'GET /v1/me/probe',
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: 'ProbeAuthorizer' },
      AuthorizationScopes: ['library.read'],
    },
  };
  const seen: {
    issuer?: string | undefined;
    audience?: readonly string[];
    header?: string | undefined;
    scopes?: readonly string[];
  }[] = [];
  const stack = await startAsDeployedStack({
    assembly: withTemplate(synth.assembly, template),
    jwtVerifier: (spec) => async (header, scopes) => {
      seen.push({ issuer: spec.issuer, audience: spec.audience, header, scopes });
      return header === 'Bearer good'
        ? { ok: true, jwt: { claims: { sub: 'u1' }, scopes: ['library.read'] } }
        : { ok: false, status: 401, body: { message: 'Unauthorized' } };
    },
  });
  try {
    const refused = await fetch(`${stack.api.url}/v1/me/probe`);
    assert.equal(refused.status, 401);
    assert.deepEqual(await refused.json(), { message: 'Unauthorized' });
    const api = [...stack.functions.values()].find((f) => f.logicalId.startsWith('FunctionsApi'))!;
    assert.equal(api.runner.stats.invocations, 0, 'a refused token never reaches the function');
    const passed = await fetch(`${stack.api.url}/v1/me/probe`, { headers: { authorization: 'Bearer good' } });
    assert.notEqual(passed.status, 401);
    assert.equal(api.runner.stats.invocations, 1);
    assert.deepEqual(seen[1], {
      issuer: 'https://issuer.example',
      audience: ['listener-app'],
      header: 'Bearer good',
      scopes: ['library.read'],
    });
    // Routes without an authorizer are not checked.
    await fetch(`${stack.api.url}/v1/downloads`, { method: 'POST', body: '{}' });
    assert.equal(seen.length, 2);
  } finally {
    await stack.stop();
  }
});

test("the HTTP API's CORS configuration: API Gateway answers preflights and sets the CORS headers", async () => {
  const template = structuredClone(synth.assembly.template) as CfnTemplate;
  const api = Object.values(template.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Api')!;
  (api.Properties as Record<string, unknown>).CorsConfiguration = {
    AllowOrigins: ['https://locker.example'],
    AllowMethods: ['GET'],
    AllowHeaders: ['authorization'],
    MaxAge: 600,
  };
  const stack = await startAsDeployedStack({ assembly: withTemplate(synth.assembly, template) });
  try {
    const preflight = await fetch(`${stack.api.url}/v1/users/u1/library`, {
      method: 'OPTIONS',
      headers: { origin: 'https://locker.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://locker.example');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET');
    assert.equal(preflight.headers.get('access-control-max-age'), '600');
    const foreign = await fetch(`${stack.api.url}/v1/users/u1/library`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const call = await fetch(`${stack.api.url}/v1/users/u1/library`, { headers: { origin: 'https://locker.example' } });
    assert.equal(call.status, 401, 'the function answered (no API key)');
    assert.equal(call.headers.get('access-control-allow-origin'), 'https://locker.example');
  } finally {
    await stack.stop();
  }
});
