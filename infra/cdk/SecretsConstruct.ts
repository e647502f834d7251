import type { RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

// The environment variable naming the key lives with the other resource names.
export { secretsKeyEnv } from '../../functions/resources.js';

export interface SecretsConstructProps {
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The KMS key that envelope-encrypts stores' callback signing secrets, so a table export or
 * a read-only grant on the stores table does not reveal them.
 */
export class SecretsConstruct extends Construct {
  public readonly signingSecretsKey: Key;

  constructor(scope: Construct, id: string, { removalPolicy }: SecretsConstructProps) {
    super(scope, id);
    this.signingSecretsKey = new Key(this, 'SigningSecretsKey', {
      description: "trackdrop: encrypts the stores' callback signing secrets",
      enableKeyRotation: true,
      removalPolicy,
    });
  }
}
