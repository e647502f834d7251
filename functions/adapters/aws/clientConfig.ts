export interface ClientOptions {
  readonly region?: string;
  /** Explicit endpoints (tests, sandbox); otherwise `AWS_ENDPOINT_URL_*` or AWS itself. */
  readonly endpoints?: { readonly dynamodb?: string; readonly sqs?: string; readonly s3?: string };
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts?: number;
}

export type Service = 'dynamodb' | 'sqs' | 's3';

const endpointEnv: Record<Service, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  s3: 'AWS_ENDPOINT_URL_S3',
};

/** Region, credentials and endpoint for one service's client, from options or the environment. */
export function clientConfig(service: Service, env: NodeJS.ProcessEnv, opts: ClientOptions) {
  const endpoint = opts.endpoints?.[service] ?? env[endpointEnv[service]];
  return {
    region: opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(opts.credentials ? { credentials: { ...opts.credentials } } : {}),
    ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}
