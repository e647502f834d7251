import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessDenied, deniedMessage } from './accessDenied.js';
import { evaluate, type Statement } from './policy.js';
import { authorizationsFor, type Service, type WireRequest } from './requestActions.js';

/** One request AWS would have refused. */
export interface Denial {
  readonly function: string;
  readonly action: string;
  readonly resource: string;
  readonly reason: string;
}

export interface ResourcePolicy {
  readonly statements: readonly Statement[];
  /** KMS key policies: nothing is allowed that the key policy does not allow or delegate. */
  readonly required: boolean;
}

export interface IamProxyOptions {
  /** The function whose role this proxy speaks for. */
  readonly functionName: string;
  readonly roleArn: string;
  readonly region: string;
  readonly accountId: string;
  /** The role's policies: inline, attached and managed. */
  readonly identity: readonly Statement[];
  /** The resource's own policy (bucket, queue, key), by the ARN of the resource asked for. */
  readonly resourcePolicy: (arn: string) => ResourcePolicy | undefined;
  readonly upstream: Readonly<Record<Service, string>>;
  readonly keyOfCiphertext?: (blob: Buffer) => string | undefined;
  readonly onDenied: (denial: Denial) => void;
}

export interface IamProxy {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The SigV4 credential scope names the service: `Credential=AKID/20260101/us-east-1/s3/aws4_request`. */
export function serviceOf(headers: http.IncomingHttpHeaders, url: string): Service | undefined {
  const auth = String(headers.authorization ?? '');
  const scope =
    /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(auth)?.[1] ??
    new URL(url, 'http://x').searchParams.get('X-Amz-Credential')?.split('/')[3];
  const byScope: Record<string, Service> = { dynamodb: 'dynamodb', sqs: 'sqs', s3: 's3', kms: 'kms' };
  if (scope && byScope[scope]) return byScope[scope];
  const t = String(headers['x-amz-target'] ?? '');
  if (t.startsWith('DynamoDB_')) return 'dynamodb';
  if (t.startsWith('AmazonSQS')) return 'sqs';
  if (t.startsWith('TrentService')) return 'kms';
  return undefined;
}

/**
 * Stands between one function and the emulators, as IAM stands between a Lambda function's role
 * and AWS: every request is mapped to its IAM action(s) and resource(s), evaluated against the
 * role's policies and the resource's own policy, and either forwarded or refused with the
 * AccessDenied answer that service gives. The function's `AWS_ENDPOINT_URL_*` all point here.
 *
 * TLS: the functions reach AWS over HTTPS only, so requests here count as `aws:SecureTransport`
 * true (the loopback hop to the proxy is plain HTTP); the template's Deny-unless-TLS statements
 * are evaluated, and can never match.
 */
export async function startIamProxy(opts: IamProxyOptions): Promise<IamProxy> {
  const roleName = opts.roleArn.split('/').pop() ?? opts.roleArn;
  const caller = `arn:aws:sts::${opts.accountId}:assumed-role/${roleName}/${opts.functionName}`;
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`local IAM proxy: ${String(err)}`);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const service = serviceOf(req.headers, url);
    if (!service) throw new Error(`cannot tell which service ${req.method} ${url} is for`);
    const method = req.method ?? 'GET';
    // JSON protocols and S3's multi-object delete are read whole; object bodies stream through.
    const needsBody = service !== 's3' || method === 'POST';
    const body = needsBody ? await readAll(req) : undefined;
    const wire: WireRequest = { service, method, url, headers: req.headers, body };
    const scope = { region: opts.region, accountId: opts.accountId, keyOfCiphertext: opts.keyOfCiphertext };
    for (const { action, resource } of authorizationsFor(wire, scope)) {
      const policy = opts.resourcePolicy(resource);
      const result = evaluate(
        { identity: opts.identity, resource: policy?.statements, resourcePolicyRequired: policy?.required ?? false },
        {
          principalArn: opts.roleArn,
          accountId: opts.accountId,
          action,
          resource,
          context: {
            'aws:SecureTransport': 'true',
            'aws:PrincipalArn': opts.roleArn,
            'aws:PrincipalAccount': opts.accountId,
          },
        },
      );
      if (result.decision === 'allowed') continue;
      opts.onDenied({ function: opts.functionName, action, resource, reason: result.reason });
      const answer = accessDenied(service, deniedMessage(caller, action, resource, result.reason), method);
      if (!needsBody) req.resume();
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    await forward(opts.upstream[service], req, res, body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readAll(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function forward(
  upstream: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer | undefined,
): Promise<void> {
  const target = new URL(upstream);
  return new Promise((resolve, reject) => {
    const out = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => resolve());
        answer.on('error', reject);
      },
    );
    out.on('error', reject);
    if (body) out.end(body);
    else req.pipe(out);
  });
}
