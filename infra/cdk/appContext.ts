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

/** A context value given as a JSON array or a comma-separated string, trimmed, empties dropped. */
function readList(scope: Construct, name: string): string[] {
  const raw: unknown = scope.node.tryGetContext(name) ?? [];
  const values = typeof raw === 'string' ? raw.split(',') : raw;
  if (!Array.isArray(values) || !values.every((v): v is string => typeof v === 'string')) {
    throw new Error(`context "${name}" must be an array of strings or a comma-separated string`);
  }
  return values.map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * Context `listenerIssuer` and `listenerAudience`: the locker's own identity provider (an
 * https issuer URL, and the audiences its tokens carry). Neither: the stack creates a Cognito
 * user pool. One without the other is a mistake.
 */
export function readListenerIssuer(scope: Construct): { issuer: string; audience: string[] } | undefined {
  const issuer: unknown = scope.node.tryGetContext('listenerIssuer');
  const audience = readList(scope, 'listenerAudience');
  if (issuer === undefined && audience.length === 0) return undefined;
  if (typeof issuer !== 'string' || !/^https:\/\/[^\s/]+/.test(issuer))
    throw new Error('context "listenerIssuer" must be an https:// issuer URL');
  if (audience.length === 0)
    throw new Error('context "listenerAudience" must name at least one audience when "listenerIssuer" is set');
  return { issuer, audience };
}

/** Context `lockerOrigins`: where a locker page may call the API from (CORS), e.g. `https://locker.example`. */
export function readLockerOrigins(scope: Construct): string[] {
  const origins = readList(scope, 'lockerOrigins');
  for (const o of origins) {
    if (!/^https?:\/\/[^\s/]+$/.test(o) && o !== '*')
      throw new Error(`context "lockerOrigins": ${JSON.stringify(o)} is not an origin`);
  }
  return origins;
}
