import type { ResourceNames } from '../../functions/adapters/config.js';
import { resourceEnv } from '../../functions/adapters/config.js';
import { functionEnv, telemetryEnv, telemetryValues } from '../../functions/runtime/functionEnv.js';
import { settingsEnv, type TrackdropSettings } from '../../functions/settings.js';
import { type CfnResource, type LocalValue, type Pseudo, props, resolveString } from './asDeployed/template.js';
import type { SourceFunction } from './hosts/sourceFunction.js';

/**
 * One function as both modes run it, whichever side it was read from: the settings and the
 * declared environment (functions/runtime/functionEnv.ts) the CDK app builds it from, or the
 * template's `AWS::Lambda::Function`.
 */
export interface FunctionPlan {
  /** `api`, `worker`… from the sources; the logical id from the template. */
  readonly id: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** What the stack sets (not what Lambda or a local run adds: region, credentials, endpoints). */
  readonly environment: Readonly<Record<string, string>>;
}

/** The functions FunctionsConstruct declares, each with exactly the variables its builder reads. */
export function sourceFunctionPlans(
  settings: TrackdropSettings,
  names: ResourceNames,
): Readonly<Record<SourceFunction, FunctionPlan>> {
  const all: Record<string, string> = {
    ...resourceEnv(names),
    ...telemetryValues,
    [settingsEnv]: JSON.stringify(settings),
  };
  const plan = (fn: SourceFunction): FunctionPlan => ({
    id: fn,
    memoryMb: settings.functions[fn].memoryMb,
    timeoutSeconds: settings.functions[fn].timeoutSeconds,
    environment: Object.fromEntries(
      [...telemetryEnv, ...functionEnv[fn]].flatMap((name) => {
        const value = all[name];
        return value === undefined ? [] : [[name, value]];
      }),
    ),
  });
  return { api: plan('api'), listener: plan('listener'), worker: plan('worker'), completion: plan('completion') };
}

/** A template function's plan: CloudFormation's defaults are 128 MB and 3 s. */
export function templateFunctionPlan(
  id: string,
  locals: ReadonlyMap<string, LocalValue>,
  pseudo: Pseudo,
  resource: CfnResource,
): FunctionPlan {
  const p = props(resource);
  const env = p.Environment;
  const variables =
    env && typeof env === 'object' && 'Variables' in env && env.Variables && typeof env.Variables === 'object'
      ? Object.entries(env.Variables)
      : [];
  return {
    id,
    memoryMb: Number(p.MemorySize ?? 128),
    timeoutSeconds: Number(p.Timeout ?? 3),
    environment: Object.fromEntries(variables.map(([k, v]) => [k, resolveString(v, locals, pseudo)])),
  };
}
