import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ResourceNames } from '../functions/adapters/config.js';
import { outputNames } from '../infra/cdk/outputNames.js';

/**
 * A stack's CloudFormation outputs, read as the tools use them: the one place that maps output
 * names to resource names, for the operator CLI, the sandbox (as deployed) and the tests.
 */
export interface StackOutputs {
  readonly apiUrl: string;
  readonly names: ResourceNames;
  readonly dlqUrls: {
    readonly downloads: string;
    readonly completions: string;
    readonly slowCallbacks: string;
    readonly erasures: string;
  };
  /** The KMS key that seals stores' signing secrets (stacks deployed before it existed lack it). */
  readonly secretsKeyId?: string | undefined;
  readonly listenerIssuer?: string | undefined;
  readonly listenerAudience?: string | undefined;
}

export class StackOutputsError extends Error {
  override readonly name = 'StackOutputsError';
}

/** Outputs the tools can do without (stacks deployed before they existed). */
const optional: readonly string[] = [
  outputNames.secretsKeyId,
  outputNames.listenerIssuer,
  outputNames.listenerAudience,
];

/** One stack's outputs → names; `label` names the stack in the error when some are missing. */
export function stackOutputs(outputs: Readonly<Record<string, unknown>>, label: string): StackOutputs {
  const missing = Object.values(outputNames).filter((k) => !optional.includes(k) && typeof outputs[k] !== 'string');
  if (missing.length > 0)
    throw new StackOutputsError(`${label} lacks the outputs ${missing.join(', ')}; redeploy with the current CDK app`);
  const out = (k: string) => String(outputs[k]);
  const maybe = (k: string) => (typeof outputs[k] === 'string' ? outputs[k] : undefined);
  return {
    apiUrl: out(outputNames.apiUrl),
    names: {
      tables: {
        stores: out(outputNames.storesTableName),
        downloads: out(outputNames.downloadsTableName),
        licenses: out(outputNames.licensesTableName),
        library: out(outputNames.libraryTableName),
      },
      queueUrls: {
        downloads: out(outputNames.downloadsQueueUrl),
        completions: out(outputNames.completionsQueueUrl),
        slowCallbacks: out(outputNames.slowCallbacksQueueUrl),
        erasures: out(outputNames.erasuresQueueUrl),
      },
      bucket: out(outputNames.mediaBucketName),
    },
    dlqUrls: {
      downloads: out(outputNames.downloadsDlqUrl),
      completions: out(outputNames.completionsDlqUrl),
      slowCallbacks: out(outputNames.slowCallbacksDlqUrl),
      erasures: out(outputNames.erasuresDlqUrl),
    },
    secretsKeyId: maybe(outputNames.secretsKeyId),
    listenerIssuer: maybe(outputNames.listenerIssuer),
    listenerAudience: maybe(outputNames.listenerAudience),
  };
}

/** Reads the file `cdk deploy --outputs-file` writes (`{"<stack>": {"ApiUrl": …}}`) and picks one trackdrop stack. */
export function readOutputsFile(file: string, stackName?: string): { stackName: string; outputs: StackOutputs } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StackOutputsError(`cannot read the outputs file ${file}: ${(err as Error).message}`);
  }
  if (!isRecord(parsed))
    throw new StackOutputsError(`${file} is not a cdk outputs file ({"<stack>": {"${outputNames.apiUrl}": …}})`);
  const stacks = Object.entries(parsed).filter(
    (e): e is [string, Record<string, unknown>] => isRecord(e[1]) && outputNames.apiUrl in e[1],
  );
  const names = stacks.map(([n]) => n).join(', ');
  let chosen: [string, Record<string, unknown>] | undefined;
  if (stackName) {
    chosen = stacks.find(([name]) => name === stackName);
    if (!chosen) throw new StackOutputsError(`no trackdrop stack ${stackName} in ${file}; it has: ${names || 'none'}`);
  } else if (stacks.length > 1) {
    throw new StackOutputsError(`${file} holds several trackdrop stacks (${names}): pick one with --stack <name>`);
  } else {
    chosen = stacks[0];
  }
  if (!chosen)
    throw new StackOutputsError(`no trackdrop stack in ${file} (no stack has an ${outputNames.apiUrl} output)`);
  const [name, outputs] = chosen;
  return { stackName: name, outputs: stackOutputs(outputs, `stack ${name} in ${file}`) };
}

/** Writes an outputs file in the shape `cdk deploy --outputs-file` does, for one stack. */
export function writeOutputsFile(file: string, stackName: string, outputs: Readonly<Record<string, string>>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ [stackName]: outputs }, null, 2)}\n`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
