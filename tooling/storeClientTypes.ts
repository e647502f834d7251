import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../functions/api/openApi.js';
import { defaultSettings } from '../functions/settings.js';

const root = join(import.meta.dirname, '..');

/** Where the store client's types are kept, committed beside the code that uses them. */
export const storeClientTypesFile = join(root, 'packages', 'store-client', 'src', 'openapi.ts');

const header = `/**
 * The store API's types, generated from openApiDocument(defaultSettings) by \`npm run client:types\`
 * (tooling/storeClientTypes.ts). Do not edit: change the document and run it again.
 */

`;

/**
 * The types of the OpenAPI document the API serves, as the package keeps them: generated, then
 * formatted by Biome with the project's settings, so the committed file passes \`biome check\`.
 */
export async function storeClientTypes(): Promise<string> {
  const nodes = await openapiTS(JSON.stringify(openApiDocument(defaultSettings)), { silent: true });
  return formatted(`${header}${astToString(nodes)}`);
}

/** The text as `biome format` leaves it, formatted as the file it will be written to. */
async function formatted(text: string): Promise<string> {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  const child = spawn(
    process.execPath,
    [biome, 'format', `--stdin-file-path=${relative(root, storeClientTypesFile)}`],
    { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  child.stdin.end(text);
  const code = await exited;
  if (code !== 0) throw new Error(`biome format failed (exit ${code}): ${err.trim()}`);
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeFile(storeClientTypesFile, await storeClientTypes());
  process.stdout.write(`store client types written to ${relative(root, storeClientTypesFile)}\n`);
}
