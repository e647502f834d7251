import type { KMSClient } from '@aws-sdk/client-kms';
import { localSecretsKeyEnv, secretsKeyEnv } from '../../resources.js';
import { MissingConfigError } from '../config.js';
import { KmsSecretBox } from './kmsSecretBox.js';
import { LocalSecretBox } from './localSecretBox.js';
import type { SecretBox } from './secretBox.js';

/**
 * The secrets mode, from the environment: KMS when the stack gave a key id; off AWS (no KMS
 * emulator exists), a local AES key, base64 of 32 bytes. `kms` is called only in KMS mode.
 */
export function createSecretBox(env: NodeJS.ProcessEnv, kms: () => KMSClient): SecretBox {
  const keyId = env[secretsKeyEnv];
  if (keyId) return new KmsSecretBox(kms(), keyId);
  const local = env[localSecretsKeyEnv];
  if (local) return new LocalSecretBox(Buffer.from(local, 'base64'));
  throw new MissingConfigError(
    `set ${secretsKeyEnv} (a KMS key) or ${localSecretsKeyEnv} (a local key) to seal signing secrets`,
  );
}
