import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { generatedOpenApi } from '../../functions/api/openApi.js';
import { localSecretsKeyEnv } from '../../functions/resources.js';
import { apiDepsFromEnv } from '../../functions/runtime/apiDepsFromEnv.js';
import { completionDepsFromEnv } from '../../functions/runtime/completionDepsFromEnv.js';
import { type FunctionName, functionEnv, runtimeEnv, telemetryEnv } from '../../functions/runtime/functionEnv.js';
import { listenerDepsFromEnv } from '../../functions/runtime/listenerDepsFromEnv.js';
import { workerDepsFromEnv } from '../../functions/runtime/workerDepsFromEnv.js';
import { defaultSettings } from '../../functions/settings.js';

// Each builder reads only what its function declares (which is what the stack sets for it),
// plus what Lambda or a local run sets: a variable read but not declared would be missing on AWS.

const builders: Record<FunctionName, (env: NodeJS.ProcessEnv) => unknown> = {
  api: apiDepsFromEnv,
  worker: workerDepsFromEnv,
  completion: completionDepsFromEnv,
  listener: (env) => listenerDepsFromEnv(env, generatedOpenApi(defaultSettings)),
};

function recordingEnv(values: Record<string, string>): { env: NodeJS.ProcessEnv; read: Set<string> } {
  const read = new Set<string>();
  const env = new Proxy(values, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
  return { env, read };
}

for (const fn of Object.keys(builders) as FunctionName[]) {
  test(`the ${fn} builder reads its declared variables and no other resource`, () => {
    const values: Record<string, string> = { [localSecretsKeyEnv]: randomBytes(32).toString('base64') };
    for (const name of functionEnv[fn])
      values[name] = name.endsWith('_URL') ? 'http://127.0.0.1:1/q' : `value-of-${name}`;
    delete values.TRACKDROP_SETTINGS;
    delete values.TRACKDROP_SECRETS_KEY_ID; // the local key stands in
    const { env, read } = recordingEnv(values);
    builders[fn](env);
    const allowed = new Set<string>([...functionEnv[fn], ...telemetryEnv, ...runtimeEnv, 'AWS_DEFAULT_REGION']);
    assert.deepEqual(
      [...read].filter((k) => !allowed.has(k)),
      [],
      'read without being declared',
    );
    const trackdrop = [...read].filter((k) => k.startsWith('TRACKDROP_') && k !== localSecretsKeyEnv).sort();
    assert.deepEqual(
      trackdrop,
      [...functionEnv[fn]].filter((k) => k.startsWith('TRACKDROP_')).sort(),
      'every declared variable is read',
    );
  });
}
