import { join } from 'node:path';
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Architecture, type EnvironmentOptions, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type FunctionName, functionEnv, telemetryEnv, telemetryValues } from '../../functions/runtime/functionEnv.js';
import { type FunctionSettings, settingsEnv } from '../../functions/settings.js';
import { functionBundling } from './bundling.js';

/** The handlers in `functions/handlers/`, each exporting `handler`. */
export type HandlerName = FunctionName;

/** Files a function's bundle needs beside the handler's, written after esbuild has run. */
function afterBundling(name: HandlerName, environment: Readonly<Record<string, string>>): ICommandHooks | undefined {
  const hooks = (run: (inputDir: string, outputDir: string) => string): ICommandHooks => ({
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => [run(inputDir, outputDir)],
  });
  // The worker parses tags in a thread of its own: its entry is bundled beside the handler's.
  if (name === 'worker') return hooks((i, o) => `npx tsx "${i}/infra/cdk/bundleParserThread.ts" "${o}"`);
  // The listener serves the OpenAPI document built here, for the settings it is deployed with.
  if (name === 'listener') {
    const settings = Buffer.from(environment[settingsEnv] ?? '{}').toString('base64');
    return hooks((i, o) => `npx tsx "${i}/infra/cdk/bundleOpenApi.ts" "${o}" ${settings}`);
  }
  return undefined;
}

/** Variables each function was given, recorded as they are added (a field would be set only after `super`). */
const given = new WeakMap<TrackdropFunction, Set<string>>();

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface TrackdropFunctionProps {
  readonly handlerName: HandlerName;
  readonly settings: FunctionSettings;
  /** Variables besides the resources bound to it (bindings.ts), e.g. the settings. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/** A NodejsFunction with trackdrop's defaults: newest Node.js on arm64, minified ESM, traced. */
export class TrackdropFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: TrackdropFunctionProps) {
    // An explicit log group, so retention and removal follow the stage (no LogRetention custom resource).
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    super(scope, id, {
      entry: join(repoRoot, 'functions', 'handlers', `${props.handlerName}.ts`),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: join(repoRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.settings.memoryMb,
      timeout: Duration.seconds(props.settings.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        ...telemetryValues,
        ...props.environment,
      },
      bundling: {
        ...functionBundling,
        mainFields: [...functionBundling.mainFields],
        commandHooks: afterBundling(props.handlerName, props.environment),
      },
    });
    // Exactly what the function's builder reads (functions/runtime/functionEnv.ts): no variable
    // missing at cold start, none naming a resource the function has no business with.
    const declared = new Set<string>(['NODE_OPTIONS', ...telemetryEnv, ...functionEnv[props.handlerName]]);
    this.node.addValidation({
      validate: () => {
        const set = given.get(this) ?? new Set<string>();
        return [
          ...[...declared]
            .filter((k) => !set.has(k))
            .map((k) => `the ${props.handlerName} function reads ${k}, which the stack does not set`),
          ...[...set]
            .filter((k) => !declared.has(k))
            .map((k) => `the ${props.handlerName} function is given ${k}, which it does not read`),
        ];
      },
    });
    Validations.of(this).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'AWSLambdaBasicExecutionRole allows only CloudWatch Logs writes (CreateLogGroup, CreateLogStream, ' +
          'PutLogEvents), the minimum a function needs to log; AWS maintains it.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
      },
    );
  }

  override addEnvironment(key: string, value: string, options?: EnvironmentOptions): this {
    const set = given.get(this) ?? new Set<string>();
    given.set(this, set.add(key));
    return super.addEnvironment(key, value, options);
  }
}
