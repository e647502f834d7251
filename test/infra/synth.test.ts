import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../../infra/cdk/TrackdropFunction.js';

// The one test that runs the real CLI: cdk.json's app command, cdk-nag, and esbuild bundling
// of the three handlers (local esbuild, no Docker), with no AWS credentials in sight.

const outdir = mkdtempSync(join(tmpdir(), 'trackdrop-synth-'));
after(() => rmSync(outdir, { recursive: true, force: true }));

function withoutAwsCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(env).filter(([k]) => !/^AWS_/.test(k)));
  return {
    ...clean,
    AWS_EC2_METADATA_DISABLED: 'true', // no instance-metadata probe for credentials
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env: withoutAwsCredentials(process.env) });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

test('`cdk synth` bundles every function in functions/handlers and passes cdk-nag', { timeout: 300_000 }, async () => {
  const { code, output } = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir]);
  assert.equal(code, 0, output);

  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  assert.deepEqual(
    stacks.map(([name]) => name),
    ['trackdrop-dev'],
  );

  // Each function's asset is a minified ESM bundle with its source map.
  const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.') && existsSync(join(outdir, d, 'index.mjs')));
  const handlers = readdirSync(join(repoRoot, 'functions', 'handlers')).filter((f) => f.endsWith('.ts'));
  assert.equal(assets.length, handlers.length, readdirSync(outdir).join(', '));
  for (const asset of assets) {
    assert.ok(existsSync(join(outdir, asset, 'index.mjs.map')), `${asset} has a source map`);
    const code = readFileSync(join(outdir, asset, 'index.mjs'), 'utf8');
    assert.ok(code.startsWith("import { createRequire as __trackdropCreateRequire } from 'node:module';"));
  }
  // The listener serves the OpenAPI document its bundling wrote beside it, not one it generates.
  const withDocument = assets.filter((a) => existsSync(join(outdir, a, 'openapi.json')));
  assert.equal(withDocument.length, 1, 'one asset, the listener, holds openapi.json');
  const document = JSON.parse(readFileSync(join(outdir, withDocument[0] ?? '', 'openapi.json'), 'utf8')) as unknown;
  assert.ok(typeof document === 'object' && document !== null && 'openapi' in document);
  assert.equal(document.openapi, '3.1.0');
});
