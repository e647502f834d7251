import { build } from 'esbuild';

/** What the CDK's NodejsFunction puts at the top of an ESM bundle: bundled CommonJS still calls `require`. */
export const requireShim =
  "import { createRequire as __trackdropCreateRequire } from 'node:module';" + 'const require = __trackdropCreateRequire(import.meta.url);';

/**
 * Bundles one entry as infra/cdk/TrackdropFunction.ts has the CDK do it: esbuild, bundled
 * (AWS SDK included), minified, platform node, ESM, the require shim as banner, a source map in
 * a file of its own without sources. Target node22: the Node.js this machine runs.
 */
export async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: requireShim },
    logLevel: 'silent',
  });
}
