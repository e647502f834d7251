import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { test } from 'node:test';
import { storeClientTypes, storeClientTypesFile } from '../../tooling/storeClientTypes.js';

// The store client's types are generated from the document the API serves and committed: a
// change to a route, a schema or a webhook that is not regenerated is caught here.

test('the committed store client types are the ones the OpenAPI document gives', async () => {
  const file = relative(process.cwd(), storeClientTypesFile);
  const committed = readFileSync(storeClientTypesFile, 'utf8');
  const generated = await storeClientTypes();
  if (committed === generated) return;
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  assert.fail(
    `${file} is out of date with openApiDocument(defaultSettings): run \`npm run client:types\` and commit it.\n` +
      `First difference at line ${line + 1}:\n  committed: ${a[line] ?? '(end of file)'}\n  generated: ${b[line] ?? '(end of file)'}`,
  );
});
