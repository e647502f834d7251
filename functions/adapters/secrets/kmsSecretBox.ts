import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { SecretBox } from './secretBox.js';

/** On AWS: KMS Encrypt/Decrypt with the stack's key; the store id is the encryption context. */
export class KmsSecretBox implements SecretBox {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async seal(plain: string, context: Readonly<Record<string, string>>): Promise<string> {
    const out = await this.kms.send(
      new EncryptCommand({
        KeyId: this.keyId,
        Plaintext: Buffer.from(plain, 'utf8'),
        EncryptionContext: { ...context },
      }),
    );
    if (!out.CiphertextBlob) throw new Error('KMS Encrypt returned no CiphertextBlob');
    return `kms:${Buffer.from(out.CiphertextBlob).toString('base64')}`;
  }

  async open(sealed: string, context: Readonly<Record<string, string>>): Promise<string> {
    if (!sealed.startsWith('kms:')) throw new Error('not a KMS-sealed secret');
    const out = await this.kms.send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(sealed.slice(4), 'base64'), EncryptionContext: { ...context } }),
    );
    if (!out.Plaintext) throw new Error('KMS Decrypt returned no Plaintext');
    return Buffer.from(out.Plaintext).toString('utf8');
  }
}
