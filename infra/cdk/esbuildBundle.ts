import { build } from 'esbuild';
import { bundleAliases, functionBundling } from './bundling.js';

/**
 * Bundles one entry with the stack's own bundling options (infra/cdk/bundling.ts), as the CDK's
 * NodejsFunction hands them to esbuild: bundled (AWS SDK included, `bundleAwsSDK`), platform
 * node, the require shim as banner, a linked source map without sources, the same aliases.
 */
export async function bundle(entry: string, outfile: string): Promise<void> {
  const o = functionBundling;
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: o.minify,
    platform: 'node',
    format: o.format,
    target: o.target,
    mainFields: [...o.mainFields],
    sourcemap: o.sourceMap ? 'linked' : false,
    sourcesContent: o.sourcesContent,
    banner: { js: o.banner },
    alias: { ...bundleAliases },
    logLevel: 'silent',
  });
}
