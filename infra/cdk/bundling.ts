import { join } from 'node:path';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** ESM output has no `require`; bundled CommonJS dependencies still call it. */
export const requireShim =
  "import { createRequire as __trackdropCreateRequire } from 'node:module';" +
  'const require = __trackdropCreateRequire(import.meta.url);';

/** The SDK clients' credential chain, swapped for the environment Lambda fills (lambdaCredentials.ts). */
export const bundleAliases = {
  '@aws-sdk/credential-provider-node': join(import.meta.dirname, 'lambdaCredentials.ts'),
} as const;

/**
 * How every function is bundled: the CDK stack (TrackdropFunction) passes these to esbuild, and
 * the benchmark (bench/bundle.ts) builds its bundles from the very same options.
 */
export const functionBundling = {
  minify: true,
  sourceMap: true,
  // Line numbers are enough for stack traces; embedded sources would double the bundle.
  sourcesContent: false,
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: requireShim,
  // Bundle the SDK versions pinned in package-lock.json instead of the runtime's copy:
  // what is tested is what runs, and tree-shaken clients load faster.
  bundleAwsSDK: true,
  forceDockerBundling: false,
  esbuildArgs: Object.fromEntries(Object.entries(bundleAliases).map(([from, to]) => [`--alias:${from}`, to])),
} as const satisfies BundlingOptions;
