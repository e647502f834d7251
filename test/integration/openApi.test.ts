import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { openApiDocument } from '../../functions/api/openApi.js';
import { routeKey, routes } from '../../functions/api/routes.js';
import { defaultSettings } from '../../functions/settings.js';
import { repoRoot } from '../../infra/cdk/TrackdropFunction.js';
import { type LocalStack, startLocalStack } from '../../infra/local/localStack.js';

let stack: LocalStack;
before(async () => {
  stack = await startLocalStack({ pollers: false });
});
after(async () => stack?.stop());

/** The parts of the OpenAPI document these tests read. */
interface SchemaJson {
  readonly properties?: Readonly<Record<string, SchemaJson>>;
  readonly maxItems?: number;
  readonly additionalProperties?: unknown;
  readonly required?: readonly string[];
  readonly pattern?: string;
  readonly enum?: readonly unknown[];
}

interface OperationJson {
  readonly requestBody?: { readonly content: Readonly<Record<string, { readonly schema: SchemaJson }>> };
  readonly parameters?: readonly { readonly name: string; readonly in?: string; readonly schema: SchemaJson }[];
  readonly security?: readonly unknown[];
  readonly responses?: Readonly<Record<string, { readonly headers?: Readonly<Record<string, unknown>> }>>;
}

type OpenApiJson = {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OperationJson>>>>;
  readonly servers?: readonly { readonly url: string }[];
};

const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const documented = (doc: Record<string, unknown>) =>
  Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => methods.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );

test('GET /v1/openapi.json serves a valid OpenAPI 3.1 document, without credentials', async () => {
  const res = await fetch(`${stack.api.url}/v1/openapi.json`);
  assert.equal(res.status, 200);
  const doc = (await res.json()) as Record<string, unknown>;
  assert.equal(doc.openapi, '3.1.0');
  const result = await new Validator().validate(doc);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
});

test('it documents every route of the route table, and nothing else', () => {
  const doc = openApiDocument(defaultSettings);
  assert.deepEqual(documented(doc).sort(), routes.map(routeKey).sort());
});

test("request schemas are the handlers' own: limits, patterns and unknown fields as the API enforces them", () => {
  const doc = openApiDocument(defaultSettings) as OpenApiJson;
  const requestSchema = (path: string) => doc.paths[path]?.post?.requestBody?.content['application/json']?.schema;
  const open = requestSchema('/v1/downloads');
  assert.equal(open?.properties?.containers?.maxItems, defaultSettings.limits.maxContainers);
  assert.equal(open?.additionalProperties, false);
  assert.deepEqual(open?.required, ['userId']);
  const batch = requestSchema('/v1/downloads/{cookie}/tracks:batch');
  assert.equal(batch?.properties?.tracks?.maxItems, defaultSettings.limits.maxBatchTracks);
  const userId = doc.paths['/v1/users/{userId}/library']?.get?.parameters?.find((p) => p.name === 'userId');
  assert.equal(userId?.schema.pattern, '^[A-Za-z0-9._-]{1,128}$');
  const part = doc.paths['/v1/me/library/{storeId}/{serviceTrackId}/url']?.get?.parameters?.find(
    (p) => p.name === 'part',
  );
  assert.deepEqual(part?.schema.enum, ['audio', 'cover']);
  // Store routes want a store key, listener routes a JWT, the document nothing.
  assert.deepEqual(doc.paths['/v1/me/library']?.get?.security, [{ listenerJwt: [] }]);
  assert.deepEqual(doc.paths['/v1/downloads']?.post?.security, [{ storeKey: [] }]);
  assert.deepEqual(doc.paths['/v1/openapi.json']?.get?.security, []);
});

test('the store API reference links the document and lists every error code the document names', () => {
  const readme = readFileSync(join(repoRoot, 'docs', 'store-api.md'), 'utf8');
  assert.match(readme, /\/v1\/openapi\.json/);
  const doc = JSON.stringify(openApiDocument(defaultSettings));
  const codes = [...new Set([...doc.matchAll(/\b([a-z]+(?:_[a-z]+)+)\b/g)].map((m) => m[1]!))].filter((c) =>
    /_(json|request|url|allowed|conflict|cancelled|reused|large|error)$/.test(c),
  );
  assert.ok(codes.length >= 8, codes.join(' '));
  for (const code of codes) assert.ok(readme.includes(`\`${code}\``), `docs/store-api.md lists ${code}`);
});

test('the headers are in the document: Idempotency-Key where it is read, Retry-After on every 429; and a server', () => {
  const doc = openApiDocument(defaultSettings) as OpenApiJson;
  assert.ok(doc.servers && doc.servers.length > 0);
  const open = doc.paths['/v1/downloads']?.post;
  const key = open?.parameters?.find((p) => p.name === 'Idempotency-Key');
  assert.equal(key?.in, 'header');
  assert.equal(key?.schema.pattern, '^[\\x21-\\x7e]{1,128}$');
  let throttled = 0;
  for (const ops of Object.values(doc.paths))
    for (const op of Object.values(ops)) {
      const r429 = op.responses?.['429'];
      if (!r429) continue;
      throttled += 1;
      assert.ok(r429.headers?.['Retry-After'], 'a 429 says when to come back');
    }
  assert.ok(throttled >= 10, `${throttled} operations answer 429`);
});

test('every operation has a description of its own, beyond its summary', () => {
  const doc = openApiDocument(defaultSettings) as {
    readonly paths: Readonly<Record<string, Readonly<Record<string, { summary?: string; description?: string }>>>>;
  };
  const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
  assert.equal(ops.length, routes.length);
  for (const op of ops) {
    assert.ok(op.description && op.description.length > 20, `${op.summary}: a description`);
    assert.notEqual(op.description, op.summary);
  }
});

test('every success answer with a body has a schema that names its fields, with none left open', () => {
  const doc = openApiDocument(defaultSettings) as {
    readonly paths: Readonly<
      Record<string, Readonly<Record<string, { responses: Readonly<Record<string, { content?: ContentJson }>> }>>>
    >;
  };
  let typed = 0;
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops))
      for (const [status, response] of Object.entries(op.responses)) {
        if (!status.startsWith('2') || status === '204') continue;
        const schema = response.content?.['application/json']?.schema;
        assert.ok(schema?.properties, `${method} ${path} ${status}: a schema with properties`);
        // The OpenAPI document itself is the one open body: it is whatever the document holds.
        if (path !== '/v1/openapi.json')
          assert.equal(schema.additionalProperties, false, `${method} ${path} ${status}: no undeclared field`);
        typed += 1;
      }
  assert.ok(typed >= routes.length - 1, `${typed} typed success answers`);
});

type ContentJson = Readonly<
  Record<string, { readonly schema?: { readonly properties?: object; readonly additionalProperties?: unknown } }>
>;
