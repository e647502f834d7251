import { join } from 'node:path';
import { bundle } from './esbuildBundle.js';

/**
 * The worker's second bundle file: its tag-parser thread (functions/adapters/tagParse), written
 * beside the handler's bundle as `tagParserThread.mjs`, where TagParser looks for it. The
 * worker's NodejsFunction runs this after bundling (see TrackdropFunction).
 * Usage: tsx infra/cdk/bundleParserThread.ts <outputDir>
 */
export const parserThreadEntry = join(
  import.meta.dirname,
  '..',
  '..',
  'functions',
  'adapters',
  'tagParse',
  'parserThreadMain.ts',
);
export const parserThreadFile = 'tagParserThread.mjs';

const [outputDir] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  if (!outputDir) throw new Error('usage: bundleParserThread.ts <outputDir>');
  await bundle(parserThreadEntry, join(outputDir, parserThreadFile));
}
