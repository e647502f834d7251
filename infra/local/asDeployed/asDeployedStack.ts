import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import * as z from 'zod/mini';
import { endpointEnv } from '../../../functions/adapters/aws/clientConfig.js';
import { type AwsClients, createClients } from '../../../functions/adapters/clients.js';
import { openApiFile } from '../../../functions/adapters/openApiFile.js';
import { outputNames } from '../../cdk/outputNames.js';
import {
  type DynamoBackend,
  type Emulators,
  localAccountId,
  localCredentials,
  localRegion,
  startEmulators,
} from '../emulators.js';
import type { LeasedQueue } from '../eventSourceLease.js';
import { templateEventSources } from '../eventSourcePlan.js';
import { templateFunctionPlan } from '../functionPlan.js';
import { containerHost, type DeployedFunction } from '../hosts/containerHost.js';
import { answerContract, type ContractDocument } from '../httpApi/answerContract.js';
import { type HttpApiServer, startHttpApi } from '../httpApi/httpApi.js';
import { localRunSettings, overridesAny } from '../localRunSettings.js';
import type { EventSource } from '../queuePoller.js';
import { Teardown } from '../teardown.js';
import type { CloudAssembly } from './cloudAssembly.js';
import { FunctionRunner, type FunctionSpec } from './functionRunner.js';
import { type Denial, type ResourcePolicy, startIamProxy } from './iam/iamProxy.js';
import { type PolicyDocument, type Statement, statements } from './iam/policy.js';
import { managedPolicies, operatorPolicy } from './iam/roles.js';
import { type KmsStandIn, keyOfCiphertext, startKmsStandIn } from './kmsStandIn.js';
import { provisionFromTemplate } from './provisionFromTemplate.js';
import {
  type CfnResource,
  type CfnTemplate,
  type LocalValue,
  type Pseudo,
  props,
  resolve,
  resolveString,
  resourcesOfType,
  TemplateError,
} from './template.js';
import { type JwtVerifierFactory, refuseAllTokens, templateApiPlan } from './templateApiPlan.js';
import { withFunctionSettings } from './templateSettings.js';

export interface AsDeployedOptions {
  readonly assembly: CloudAssembly;
  readonly dataDir?: string | undefined;
  readonly dynamo?: DynamoBackend;
  readonly apiPort?: number;
  readonly emulatorPorts?: { readonly aws?: number; readonly dynamodb?: number };
  /** Every line the functions log (their CloudWatch Logs); dropped by default. */
  readonly onLog?: (fn: string, line: string) => void;
  /**
   * Checks tokens for the template's JWT authorizers (the sandbox's JWT checks, with its local
   * issuer); without one, JWT routes answer 401 to every request, as no token could be checked.
   */
  readonly jwtVerifier?: JwtVerifierFactory;
  /** The event sources' receive visibility and the worker's own lease (eventSourceLease.ts): a killed sandbox recovers that fast. */
  readonly leaseSeconds?: number | undefined;
  /** How long an erasure waits before it deletes (localRunSettings.ts); the template's figure by default. */
  readonly erasureSettleSeconds?: number | undefined;
  /** The queues served as SQS serves fair queues (localTenant.ts), unless false: first come, first served. */
  readonly fairQueues?: boolean | undefined;
  /** Called for each refused request, as it happens (they are all kept in `denials` too). */
  readonly onDenied?: (denial: Denial) => void;
  /** Every answer held to the bundled OpenAPI document (httpApi/answerContract.ts), unless false. */
  readonly checkAnswers?: boolean | undefined;
}

export interface AsDeployedStack {
  readonly emulators: Emulators;
  readonly kms: KmsStandIn;
  /** Clients with the operator's (unrestricted) access, straight to the emulators. */
  readonly admin: AwsClients & { readonly kms: KMSClient };
  readonly api: HttpApiServer;
  readonly functions: ReadonlyMap<string, DeployedFunction>;
  readonly pollers: readonly EventSource[];
  /** The template's Outputs, resolved (those that name local resources). */
  readonly outputs: Readonly<Record<string, string>>;
  readonly stackName: string;
  /**
   * The operator's way in, IAM-checked as an administrator of the account: the environment an
   * operator's shell has after `cdk deploy` (credentials, region, and every AWS endpoint).
   */
  readonly operator: { readonly endpoint: string; readonly env: Readonly<Record<string, string>> };
  /** Every request a function's role was refused. */
  readonly denials: readonly Denial[];
  /** What the emulators could not take from the template. */
  readonly skipped: readonly string[];
  stop(): Promise<void>;
}

/**
 * The stack as `cdk synth` wrote it, run here: the template's resources created on the emulators,
 * its three bundles in Node.js containers with their environment, memory and timeout, its HTTP
 * API routes, its SQS event sources, and every AWS request checked against its IAM policies.
 */
export async function startAsDeployedStack(opts: AsDeployedOptions): Promise<AsDeployedStack> {
  const { stackName } = opts.assembly;
  // The sandbox's short lease (the worker's own hold on its batch too) and erasure settle.
  const template = overridesAny(opts)
    ? withFunctionSettings(opts.assembly.template, (s) => localRunSettings(s, opts))
    : opts.assembly.template;
  const pseudo: Pseudo = { region: localRegion, accountId: localAccountId, stackName };
  const teardown = new Teardown((what, err) =>
    opts.onLog?.('trackdrop-local', `${what}: ${err instanceof Error ? err.message : String(err)}`),
  );
  try {
    return await start();
  } catch (err) {
    await teardown.run();
    throw err;
  }

  async function start(): Promise<AsDeployedStack> {
    const emulators = await startEmulators({
      dataDir: opts.dataDir,
      dynamo: opts.dynamo ?? 'dynalite',
      ports: opts.emulatorPorts ?? {},
    });
    teardown.add('the emulators', emulators, (e) => e.stop());
    const kms = await startKmsStandIn({
      region: localRegion,
      accountId: localAccountId,
      keyFile: opts.dataDir ? join(opts.dataDir, 'kms-stand-in-keys.json') : undefined,
    });
    teardown.add('the KMS stand-in', kms, (k) => k.stop());
    const clientOpts = { region: localRegion, credentials: localCredentials };
    const admin = {
      ...createClients({}, { ...clientOpts, endpoints: emulators.endpoints }),
      kms: new KMSClient({ ...clientOpts, endpoint: kms.endpoint }),
    };
    teardown.add("the operator's clients", admin, destroyClients);
    const { locals, notes } = await provisionFromTemplate(template, pseudo, admin, (name) => kms.createKey(name));
    const resourcePolicies = resourcePoliciesOf(template, locals, pseudo);
    const denials: Denial[] = [];
    const functions = new Map<string, DeployedFunction>();
    const byArn = new Map<string, DeployedFunction>();
    const codeDirs: string[] = [];
    const upstream = {
      dynamodb: emulators.endpoints.dynamodb,
      sqs: emulators.endpoints.sqs,
      s3: emulators.endpoints.s3,
      kms: kms.endpoint,
    };

    // One IAM proxy per principal: each function's role, and the operator.
    const startRoleProxy = async (name: string, roleArn: string, identity: readonly Statement[]) =>
      teardown.add(
        `the IAM proxy of ${name}`,
        await startIamProxy({
          functionName: name,
          roleArn,
          region: localRegion,
          accountId: localAccountId,
          identity,
          resourcePolicy: (arn) => resourcePolicies(arn),
          upstream,
          keyOfCiphertext,
          onDenied: (d) => {
            denials.push(d);
            opts.onDenied?.(d);
          },
        }),
        (p) => p.stop(),
      );

    for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const p = props(fn);
      const roleId = roleOf(p.Role);
      const role = locals.get(roleId);
      if (!role) throw new TemplateError(`${id}: role ${roleId} is not in the template`);
      const proxy = await startRoleProxy(
        localOf(locals, id).ref,
        arnOf(role, roleId),
        identityPolicies(template, roleId, locals, pseudo),
      );
      const spec = functionSpec(id, fn, locals, pseudo, opts.assembly);
      codeDirs.push(spec.codeDir);
      const runner = new FunctionRunner(spec, {
        region: localRegion,
        runtimeEnv: {
          // What Lambda gives a function: its role's credentials, and here its proxy as every AWS endpoint.
          ...principalEnv(proxy.endpoint),
          AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
        },
        onLog: (line) => opts.onLog?.(spec.name, line),
      });
      teardown.add(`the containers of ${id}`, runner, (r) => r.stop());
      const deployed = { logicalId: id, runner, proxy };
      functions.set(id, deployed);
      byArn.set(spec.arn, deployed);
    }

    // The operator (the CLI after `cdk deploy`): an account administrator, so what it may do is
    // what the resources' own policies allow, the secrets key's key policy above all.
    const operatorProxy = await startRoleProxy(
      'operator',
      `arn:aws:iam::${localAccountId}:role/trackdrop-operator`,
      operatorPolicy,
    );
    const operator = {
      endpoint: operatorProxy.endpoint,
      env: { ...principalEnv(operatorProxy.endpoint), AWS_REGION: localRegion },
    };

    const outputs = resolvedOutputs(template, locals, pseudo);
    const queueOf = (url: string): LeasedQueue | undefined =>
      url === outputs[outputNames.downloadsQueueUrl]
        ? 'downloads'
        : url === outputs[outputNames.completionsQueueUrl]
          ? 'completions'
          : url === outputs[outputNames.slowCallbacksQueueUrl]
            ? 'slowCallbacks'
            : url === outputs[outputNames.erasuresQueueUrl]
              ? 'erasures'
              : undefined;
    // Each event source of the template on the container host, its receives leased as eventSourceLease says.
    const host = containerHost({ onLog: opts.onLog });
    const pollers = await Promise.all(
      templateEventSources(template, locals, pseudo).map((plan) => {
        const fn = functions.get(plan.functionId);
        if (!fn) throw new TemplateError(`${plan.id}: FunctionName must Ref a function of the template`);
        const queue = queueOf(plan.queueUrl);
        return host.queue(fn, { plan, leaseSeconds: queue && opts.leaseSeconds, fair: opts.fairQueues });
      }),
    );
    teardown.add('the event sources', pollers, (all) => Promise.all(all.map((p) => p.stop())));
    for (const poller of pollers) await poller.start();
    const integrations = new Map(
      await Promise.all([...byArn].map(async ([arn, fn]) => [arn, await host.http(fn)] as const)),
    );
    const api = await startHttpApi(
      templateApiPlan(template, locals, pseudo, {
        integrationOf: (arn) => integrations.get(arn),
        jwtVerifier: opts.jwtVerifier ?? refuseAllTokens,
      }),
      {
        port: opts.apiPort,
        // Held to the document the bundling wrote, the one the deployed API serves.
        answers:
          opts.checkAnswers === false
            ? undefined
            : {
                check: answerContract(await bundledContract(codeDirs)),
                onViolation: (violation) =>
                  opts.onLog?.('http-api', `ERROR an answer broke the API contract: ${violation}`),
              },
      },
    );
    // Registered last, so it stops first: no new request while the event sources drain.
    teardown.add('the HTTP front', api, (a) => a.close());
    return {
      emulators,
      kms,
      admin,
      api,
      functions,
      pollers,
      outputs,
      stackName,
      operator,
      denials,
      skipped: notes.skipped,
      stop: () => teardown.run(),
    };
  }
}

/** The OpenAPI document the CDK app's bundling wrote beside the function that serves it. */
async function bundledContract(codeDirs: readonly string[]): Promise<ContractDocument> {
  for (const dir of codeDirs) {
    const text = await readFile(join(dir, openApiFile), 'utf8').catch(() => undefined);
    if (text !== undefined) return contractSchema.parse(JSON.parse(text));
  }
  throw new TemplateError(`no function's asset holds ${openApiFile}: the API's contract is missing`);
}

const contractSchema = z.record(z.string(), z.unknown());

/** A principal's credentials, and its IAM proxy as the endpoint of every service the SDK reads one for. */
function principalEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    ...Object.fromEntries(Object.values(endpointEnv).map((name) => [name, endpoint])),
  };
}

function destroyClients(admin: AwsClients & { kms: KMSClient }): void {
  admin.ddb.destroy();
  admin.dynamodb.destroy();
  admin.sqs.destroy();
  admin.s3.destroy();
  admin.kms.destroy();
}

function roleOf(role: unknown): string {
  const getAtt = (role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  if (!getAtt) throw new TemplateError('a function role must be Fn::GetAtt of a role in the template');
  return getAtt[0];
}

/** What the template's resource `id` became locally: every resource is provisioned before this is asked. */
function localOf(locals: ReadonlyMap<string, LocalValue>, id: string): LocalValue {
  const local = locals.get(id);
  if (!local) throw new TemplateError(`${id} was not provisioned locally`);
  return local;
}

function arnOf(local: LocalValue, id: string): string {
  const arn = local.attrs.Arn;
  if (arn === undefined) throw new TemplateError(`${id} has no Arn locally`);
  return arn;
}

function functionSpec(
  id: string,
  fn: CfnResource,
  locals: ReadonlyMap<string, LocalValue>,
  pseudo: Pseudo,
  assembly: CloudAssembly,
): FunctionSpec {
  const p = props(fn);
  const code = p.Code as { S3Key?: unknown } | undefined;
  if (!code?.S3Key) throw new TemplateError(`${id}: only zip assets (Code.S3Key) run locally`);
  const plan = templateFunctionPlan(id, locals, pseudo, fn);
  const local = localOf(locals, id);
  return {
    logicalId: id,
    name: local.ref,
    arn: arnOf(local, id),
    runtime: String(p.Runtime),
    handler: String(p.Handler),
    codeDir: assembly.assetDir(resolveString(code.S3Key, locals, pseudo)),
    memoryMb: plan.memoryMb,
    timeoutSeconds: plan.timeoutSeconds,
    environment: plan.environment,
  };
}

/** A role's policies: inline ones, `AWS::IAM::Policy`s attached to it, and managed policies by ARN. */
function identityPolicies(
  template: CfnTemplate,
  roleId: string,
  locals: ReadonlyMap<string, LocalValue>,
  pseudo: Pseudo,
): Statement[] {
  const role = template.Resources[roleId];
  if (!role) throw new TemplateError(`${roleId}: role is not in the template`);
  const rp = props(role);
  const out: Statement[] = [];
  for (const inline of (rp.Policies as { PolicyDocument: unknown }[] | undefined) ?? [])
    out.push(...statements(resolve(inline.PolicyDocument, locals, pseudo) as PolicyDocument));
  for (const arn of (rp.ManagedPolicyArns as unknown[] | undefined) ?? []) {
    const resolved = resolveString(arn, locals, pseudo);
    const managed = managedPolicies[resolved];
    if (!managed) throw new TemplateError(`${roleId}: managed policy ${resolved} is not known to the local evaluator`);
    out.push(...managed);
  }
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [, policy] of resourcesOfType(template, type)) {
      const pp = props(policy);
      const roles = (pp.Roles as { Ref?: string }[] | undefined) ?? [];
      if (!roles.some((r) => r.Ref === roleId)) continue;
      out.push(...statements(resolve(pp.PolicyDocument, locals, pseudo) as PolicyDocument));
    }
  }
  return out;
}

/** Bucket policies, queue policies and key policies, found by the ARN a request names. */
function resourcePoliciesOf(
  template: CfnTemplate,
  locals: ReadonlyMap<string, LocalValue>,
  pseudo: Pseudo,
): (arn: string) => ResourcePolicy | undefined {
  const buckets = new Map<string, Statement[]>();
  const queues = new Map<string, Statement[]>();
  const keys = new Map<string, Statement[]>();
  for (const [, r] of resourcesOfType(template, 'AWS::S3::BucketPolicy')) {
    const p = props(r);
    buckets.set(resolveString(p.Bucket, locals, pseudo), [
      ...statements(resolve(p.PolicyDocument, locals, pseudo) as PolicyDocument),
    ]);
  }
  for (const [, r] of resourcesOfType(template, 'AWS::SQS::QueuePolicy')) {
    const p = props(r);
    const doc = [...statements(resolve(p.PolicyDocument, locals, pseudo) as PolicyDocument)];
    for (const url of (p.Queues as unknown[]) ?? []) {
      const resolvedUrl = resolveString(url, locals, pseudo);
      const queue = [...locals.values()].find((l) => l.ref === resolvedUrl);
      if (queue?.attrs.Arn) queues.set(queue.attrs.Arn, doc);
    }
  }
  for (const [id, r] of resourcesOfType(template, 'AWS::KMS::Key')) {
    keys.set(arnOf(localOf(locals, id), id), [
      ...statements(resolve(props(r).KeyPolicy, locals, pseudo) as PolicyDocument),
    ]);
  }
  return (arn) => {
    if (arn.startsWith('arn:aws:s3:::')) {
      // The bucket: what comes before the first slash (split gives at least one part).
      const doc = buckets.get(arn.slice('arn:aws:s3:::'.length).split('/')[0] ?? '');
      return doc ? { statements: doc, required: false } : undefined;
    }
    if (arn.startsWith('arn:aws:sqs:')) {
      const doc = queues.get(arn);
      return doc ? { statements: doc, required: false } : undefined;
    }
    if (arn.startsWith('arn:aws:kms:')) {
      // A key always has a key policy; one not in the template allows nothing.
      return { statements: keys.get(arn) ?? [], required: true };
    }
    return undefined;
  };
}

function resolvedOutputs(
  template: CfnTemplate,
  locals: ReadonlyMap<string, LocalValue>,
  pseudo: Pseudo,
): Record<string, string> {
  const outputs = (template as CfnTemplate & { Outputs?: Record<string, { Value: unknown }> }).Outputs ?? {};
  const out: Record<string, string> = {};
  for (const [name, o] of Object.entries(outputs)) {
    try {
      out[name] = resolveString(o.Value, locals, pseudo);
    } catch {
      // An output naming something that has no local counterpart (the stage's URL).
    }
  }
  return out;
}
