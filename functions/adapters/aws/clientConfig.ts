export interface ClientOptions {
  readonly region?: string;
  /** Explicit endpoints (tools); otherwise `AWS_ENDPOINT_URL_*` or AWS itself. */
  readonly endpoints?: {
    readonly dynamodb?: string;
    readonly sqs?: string;
    readonly s3?: string;
    readonly kms?: string;
  };
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  readonly maxAttempts?: number;
}

export type Service = 'dynamodb' | 'sqs' | 's3' | 'kms';

/** The SDK's own per-service endpoint variables: what Lambda ignores and a local run sets. */
export const endpointEnv: Record<Service, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  s3: 'AWS_ENDPOINT_URL_S3',
  kms: 'AWS_ENDPOINT_URL_KMS',
};

/**
 * Region, credentials and endpoint for one service's client, from options or the given
 * environment. Credentials come from that environment when it carries them (Lambda does, and so
 * does a local run), so a builder given an env other than `process.env` still signs as it says.
 */
export function clientConfig(service: Service, env: NodeJS.ProcessEnv, opts: ClientOptions = {}) {
  const endpoint = opts.endpoints?.[service] ?? env[endpointEnv[service]];
  const credentials = opts.credentials ?? credentialsFromEnv(env);
  return {
    region: opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(credentials ? { credentials: { ...credentials } } : {}),
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

function credentialsFromEnv(env: NodeJS.ProcessEnv) {
  const {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_SESSION_TOKEN: sessionToken,
  } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
