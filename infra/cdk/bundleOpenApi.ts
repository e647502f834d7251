import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openApiFile } from '../../functions/adapters/openApiFile.js';
import { openApiDocument } from '../../functions/api/openApi.js';
import { settingsEnv, settingsFromEnv } from '../../functions/settings.js';

/**
 * The listener's OpenAPI document, written beside its bundle as `openapi.json` for the settings
 * the stack deploys it with (base64 JSON, as its TRACKDROP_SETTINGS), where the listener reads it
 * (functions/adapters/openApiFile.ts). The listener's NodejsFunction runs this after bundling.
 * Usage: tsx infra/cdk/bundleOpenApi.ts <outputDir> <settings, base64 JSON>
 */
const [outputDir, settings] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  if (!outputDir || !settings) throw new Error('usage: bundleOpenApi.ts <outputDir> <settings, base64 JSON>');
  const env = { [settingsEnv]: Buffer.from(settings, 'base64').toString('utf8') };
  await writeFile(join(outputDir, openApiFile), JSON.stringify(openApiDocument(settingsFromEnv(env))));
}
