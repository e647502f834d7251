import type { Construct } from 'constructs';
import type { TrackdropSettings } from '../../functions/settings.js';

/** Stack name per stage, so a dev and a prod stack can share an account. */
export function stackName(stage: TrackdropSettings['stage']): string {
  return `trackdrop-${stage}`;
}

/** Context `stage` (`-c stage=prod` or cdk.json): 'dev' unless told otherwise. */
export function readStage(scope: Construct): TrackdropSettings['stage'] {
  const stage: unknown = scope.node.tryGetContext('stage') ?? 'dev';
  if (stage !== 'dev' && stage !== 'prod') {
    throw new Error(`context "stage" must be "dev" or "prod", got ${JSON.stringify(stage)}`);
  }
  return stage;
}

const bucketName = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Context `sourceBuckets`: a JSON array in cdk.json, or a comma-separated string from the
 * command line (`-c sourceBuckets=a,b`). Names are checked, as they end up in IAM ARNs.
 */
export function readSourceBuckets(scope: Construct): string[] {
  const raw: unknown = scope.node.tryGetContext('sourceBuckets') ?? [];
  const names = typeof raw === 'string' ? raw.split(',') : raw;
  if (!Array.isArray(names)) throw new Error('context "sourceBuckets" must be an array of bucket names');
  const trimmed = names.map((n: unknown) => (typeof n === 'string' ? n.trim() : n)).filter((n) => n !== '');
  for (const name of trimmed) {
    if (typeof name !== 'string' || !bucketName.test(name)) {
      throw new Error(`context "sourceBuckets": ${JSON.stringify(name)} is not a valid S3 bucket name`);
    }
  }
  return trimmed as string[];
}
