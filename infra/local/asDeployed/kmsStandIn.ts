import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A STAND-IN for AWS KMS, which has no local emulator: Encrypt, Decrypt and GenerateDataKey
 * over KMS's own JSON 1.1 protocol on loopback, so the functions' KMS client runs unchanged.
 * Each key is 32 random bytes kept in memory; a ciphertext is AES-256-GCM with the encryption
 * context bound as additional data, and names its key (as a real KMS ciphertext does), so
 * Decrypt needs no KeyId. It is not KMS: no key rotation, no grants, no HSMs, no CloudTrail —
 * and its ciphertexts mean nothing to a real key. IAM is enforced in front of it by the
 * function's proxy, as for the emulated services.
 */
export interface KmsStandIn {
  readonly endpoint: string;
  /**
   * Creates a key and returns its id (a UUID, like a real key id). With a key file, the key
   * named `name` (the template's logical id) is the same across restarts.
   */
  createKey(name?: string): string;
  stop(): Promise<void>;
}

const MAGIC = Buffer.from('TDK1');
const ID_BYTES = 36;

/** The key id a stand-in ciphertext was sealed with, or undefined for anything else. */
export function keyOfCiphertext(blob: Buffer): string | undefined {
  if (blob.length < MAGIC.length + ID_BYTES + 28 || !blob.subarray(0, 4).equals(MAGIC)) return undefined;
  return blob.subarray(4, 4 + ID_BYTES).toString('ascii');
}

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface KmsStandInOptions {
  readonly region: string;
  readonly accountId: string;
  /** Keeps key material here (mode 0600), so a restarted sandbox opens what it sealed before. */
  readonly keyFile?: string | undefined;
}

type SavedKeys = Record<string, { readonly id: string; readonly material: string }>;

export async function startKmsStandIn(opts: KmsStandInOptions): Promise<KmsStandIn> {
  const keys = new Map<string, Buffer>();
  const saved: SavedKeys =
    opts.keyFile && existsSync(opts.keyFile) ? (JSON.parse(readFileSync(opts.keyFile, 'utf8')) as SavedKeys) : {};
  for (const k of Object.values(saved)) keys.set(k.id, Buffer.from(k.material, 'base64'));
  const arnOf = (id: string) => `arn:aws:kms:${opts.region}:${opts.accountId}:key/${id}`;
  const keyFor = (keyId: unknown): [string, Buffer] => {
    const id = String(keyId ?? '').replace(/^arn:aws:kms:[^:]*:[^:]*:key\//, '');
    const key = keys.get(id);
    if (!key) throw new KmsError('NotFoundException', `Key '${arnOf(id)}' does not exist`);
    return [id, key];
  };
  const aad = (ctx: unknown) =>
    Buffer.from(
      JSON.stringify(Object.entries((ctx as Record<string, string>) ?? {}).sort(([a], [b]) => a.localeCompare(b))),
    );

  const seal = (keyId: unknown, plain: Buffer, ctx: unknown) => {
    const [id, key] = keyFor(keyId);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(ctx));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { id, blob: Buffer.concat([MAGIC, Buffer.from(id, 'ascii'), iv, cipher.getAuthTag(), body]) };
  };

  const ops: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    Encrypt(body) {
      const { id, blob } = seal(
        body.KeyId,
        Buffer.from(String(body.Plaintext ?? ''), 'base64'),
        body.EncryptionContext,
      );
      return { CiphertextBlob: blob.toString('base64'), KeyId: arnOf(id), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
    GenerateDataKey(body) {
      const plain = randomBytes(Number(body.NumberOfBytes ?? (body.KeySpec === 'AES_128' ? 16 : 32)));
      const { id, blob } = seal(body.KeyId, plain, body.EncryptionContext);
      return { CiphertextBlob: blob.toString('base64'), Plaintext: plain.toString('base64'), KeyId: arnOf(id) };
    },
    Decrypt(body) {
      const blob = Buffer.from(String(body.CiphertextBlob ?? ''), 'base64');
      const id = keyOfCiphertext(blob);
      if (!id) throw new KmsError('InvalidCiphertextException', 'The ciphertext is invalid');
      if (body.KeyId !== undefined && keyFor(body.KeyId)[0] !== id)
        throw new KmsError(
          'IncorrectKeyException',
          'The key ID in the request does not identify the key that encrypted the ciphertext',
        );
      const [, key] = keyFor(id);
      const at = 4 + ID_BYTES;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(at, at + 12)).setAAD(
          aad(body.EncryptionContext),
        );
        decipher.setAuthTag(blob.subarray(at + 12, at + 28));
        const plain = Buffer.concat([decipher.update(blob.subarray(at + 28)), decipher.final()]);
        return { Plaintext: plain.toString('base64'), KeyId: arnOf(id), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      } catch {
        throw new KmsError('InvalidCiphertextException', 'The ciphertext or its encryption context is invalid');
      }
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = ops[target.replace(/^TrentService\./, '')];
      let status = 200;
      let out: Record<string, unknown>;
      try {
        if (!op)
          throw new KmsError('UnsupportedOperationException', `${target} is not offered by the local KMS stand-in`);
        out = op(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      } catch (err) {
        status = 400;
        out =
          err instanceof KmsError
            ? { __type: err.type, message: err.message }
            : { __type: 'KMSInternalException', message: String(err) };
      }
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(out));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    createKey(name) {
      const known = name ? saved[name] : undefined;
      if (known) return known.id;
      const id = randomUUID();
      const material = randomBytes(32);
      keys.set(id, material);
      if (name && opts.keyFile) {
        saved[name] = { id, material: material.toString('base64') };
        writeFileSync(opts.keyFile, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
      }
      return id;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
