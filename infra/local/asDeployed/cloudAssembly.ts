import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../cdk/TrackdropFunction.js';
import { type CfnTemplate, TemplateError } from './template.js';

/** One stack of a synthesized cloud assembly: its template and where its zip assets are. */
export interface CloudAssembly {
  readonly dir: string;
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** The folder `cdk deploy` would zip for an `S3Key` of the template (`<hash>.zip`). */
  assetDir(s3Key: string): string;
}

interface AssetManifest {
  readonly files: Record<string, { readonly source: { readonly path: string; readonly packaging?: string } }>;
}

interface Manifest {
  readonly artifacts: Record<
    string,
    { readonly type: string; readonly properties?: { readonly templateFile?: string } }
  >;
}

/** Reads the (single) stack of the cloud assembly in `dir`, e.g. `cdk.out`. */
export function readCloudAssembly(dir: string): CloudAssembly {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const [stack] = stacks;
  if (!stack || stacks.length !== 1)
    throw new TemplateError(`expected one stack in ${dir}, found ${stacks.map(([n]) => n).join(', ') || 'none'}`);
  const [stackName, artifact] = stack;
  const template = JSON.parse(
    readFileSync(join(dir, artifact.properties?.templateFile ?? `${stackName}.template.json`), 'utf8'),
  ) as CfnTemplate;
  const assets = JSON.parse(readFileSync(join(dir, `${stackName}.assets.json`), 'utf8')) as AssetManifest;
  return {
    dir,
    stackName,
    template,
    assetDir(s3Key) {
      const asset = assets.files[s3Key.replace(/\.zip$/, '')];
      if (asset?.source.packaging !== 'zip') throw new TemplateError(`no zip asset for ${s3Key} in ${dir}`);
      return join(dir, asset.source.path);
    },
  };
}

export interface SynthOptions {
  readonly outdir: string;
  /** `-c key=value` pairs, e.g. `{ sourceBuckets: 'a,b' }`. */
  readonly context?: Readonly<Record<string, string>>;
}

/**
 * `cdk synth` as CI and a deploy run it (cdk.json's app, esbuild bundling, cdk-nag), offline:
 * no AWS credentials and no version check reach the network.
 */
export async function synthCloudAssembly(opts: SynthOptions): Promise<CloudAssembly> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^AWS_/.test(k)));
  const context = Object.entries(opts.context ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const args = ['cdk', 'synth', '--quiet', '--no-notices', '-o', opts.outdir, ...context];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('npx', args, {
      cwd: repoRoot,
      env: {
        ...env,
        AWS_EC2_METADATA_DISABLED: 'true',
        CDK_DISABLE_VERSION_CHECK: 'true',
        CDK_DISABLE_CLI_TELEMETRY: 'true',
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`cdk synth failed (${code}):\n${out}`))));
  });
  void output;
  return readCloudAssembly(opts.outdir);
}

/** The same assembly with another template (a test's edited copy); the assets stay the synthesized ones. */
export function withTemplate(assembly: CloudAssembly, template: CfnTemplate): CloudAssembly {
  return { ...assembly, template };
}
