import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KmsSecretBox } from '../../functions/adapters/secrets/kmsSecretBox.js';
import { StoresRepo } from '../../functions/adapters/storesRepo.js';
import { outputNames } from '../../infra/cdk/outputNames.js';
import type { AsDeployedStack } from '../../infra/local/asDeployed/asDeployedStack.js';
import { type CloudAssembly, synthCloudAssembly } from '../../infra/local/asDeployed/cloudAssembly.js';
import { type PipelineTarget, sourceBucket } from './twentyCallSession.js';

/** One `cdk synth` per test file, with the end-to-end test's source bucket; removed after. */
export async function synthForTests(): Promise<{ assembly: CloudAssembly; cleanup(): void }> {
  const outdir = mkdtempSync(join(tmpdir(), 'trackdrop-as-deployed-'));
  const assembly = await synthCloudAssembly({ outdir, context: { sourceBuckets: sourceBucket } });
  return { assembly, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** The operator's view of an as-deployed stack: its outputs, and KMS (the stand-in) to seal signing secrets. */
export function asDeployedTarget(stack: AsDeployedStack): PipelineTarget {
  const output = (name: keyof typeof outputNames) => {
    const v = stack.outputs[outputNames[name]];
    if (!v) throw new Error(`the stack has no output ${outputNames[name]}`);
    return v;
  };
  return {
    apiUrl: stack.api.url,
    s3: stack.admin.s3,
    bucket: output('mediaBucketName'),
    stores: new StoresRepo(
      stack.admin.ddb,
      output('storesTableName'),
      new KmsSecretBox(stack.admin.kms, output('secretsKeyId')),
    ),
  };
}
