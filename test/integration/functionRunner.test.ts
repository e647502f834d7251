import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FunctionError, FunctionRunner, type FunctionSpec } from '../../infra/local/asDeployed/functionRunner.js';

// Containers as Lambda runs them: the template's runtime, one invocation at a time each,
// the timeout and the memory limit enforced, the environment exactly as given.

const dir = mkdtempSync(join(tmpdir(), 'trackdrop-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'index.mjs'),
  `let calls = 0;
export const handler = async (event, context) => {
  calls += 1;
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.hog) { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); }
  return { node: process.versions.node, pid: process.pid, calls, env: process.env.ONLY_THIS, leaked: process.env.HOME ?? null, remaining: context.getRemainingTimeInMillis() };
};
`,
);

const spec = (over: Partial<FunctionSpec> = {}): FunctionSpec => ({
  logicalId: 'Fn',
  name: 'stack-Fn',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:stack-Fn',
  runtime: 'nodejs24.x',
  handler: 'index.handler',
  codeDir: dir,
  memoryMb: 128,
  timeoutSeconds: 2,
  environment: { ONLY_THIS: 'from the template' },
  ...over,
});

interface Out {
  node: string;
  pid: number;
  calls: number;
  env: string;
  leaked: string | null;
  remaining: number;
}

test('runs the bundle on Node.js 24 with only the given environment, reusing a warm container', async () => {
  const runner = new FunctionRunner(spec(), { region: 'us-east-1', runtimeEnv: {} });
  try {
    assert.ok(runner.exactRuntime);
    const first = (await runner.invoke({})) as Out;
    const second = (await runner.invoke({})) as Out;
    assert.equal(first.node.split('.')[0], '24');
    assert.equal(first.env, 'from the template');
    assert.equal(first.leaked, null, 'the developer’s environment does not reach the function');
    assert.ok(first.remaining > 1000 && first.remaining <= 2000);
    assert.equal(second.pid, first.pid);
    assert.equal(second.calls, 2);
    assert.equal(runner.stats.coldStarts, 1);
  } finally {
    runner.stop();
  }
});

test('concurrent invocations get containers of their own', async () => {
  const runner = new FunctionRunner(spec(), { region: 'us-east-1', runtimeEnv: {} });
  try {
    const outs = (await Promise.all([runner.invoke({ sleepMs: 300 }), runner.invoke({ sleepMs: 300 })])) as Out[];
    assert.notEqual(outs[0]!.pid, outs[1]!.pid);
    assert.equal(runner.stats.coldStarts, 2);
  } finally {
    runner.stop();
  }
});

test('past its timeout an invocation is stopped and its container replaced', async () => {
  const runner = new FunctionRunner(spec({ timeoutSeconds: 1 }), { region: 'us-east-1', runtimeEnv: {} });
  try {
    const before = (await runner.invoke({})) as Out;
    await assert.rejects(
      runner.invoke({ sleepMs: 5000 }),
      (e: Error) =>
        e instanceof FunctionError &&
        e.errorType === 'Sandbox.Timedout' &&
        /timed out after 1\.00 seconds/.test(e.message),
    );
    const afterwards = (await runner.invoke({})) as Out;
    assert.notEqual(afterwards.pid, before.pid);
    assert.equal(afterwards.calls, 1, 'a fresh container: a cold start');
    assert.equal(runner.stats.timeouts, 1);
  } finally {
    runner.stop();
  }
});

test('a function that outgrows its memory dies like a Lambda out of memory', async () => {
  const runner = new FunctionRunner(spec({ memoryMb: 64, timeoutSeconds: 30 }), {
    region: 'us-east-1',
    runtimeEnv: {},
  });
  try {
    await assert.rejects(
      runner.invoke({ hog: true }),
      (e: Error) => e instanceof FunctionError && e.errorType === 'Runtime.ExitError',
    );
  } finally {
    runner.stop();
  }
});

test('a slow init phase does not count against the invocation’s timeout, as on Lambda', async () => {
  // 1.5 s of init, then 1 s of work, against a 2 s timeout: Lambda times the two phases apart.
  writeFileSync(
    join(dir, 'slowinit.mjs'),
    `await new Promise((r) => setTimeout(r, 1500));\nexport const handler = async (event, context) => { const at = context.getRemainingTimeInMillis(); await new Promise((r) => setTimeout(r, 1000)); return { remaining: at }; };\n`,
  );
  const runner = new FunctionRunner(spec({ handler: 'slowinit.handler' }), { region: 'us-east-1', runtimeEnv: {} });
  try {
    const out = (await runner.invoke({})) as { remaining: number };
    assert.ok(out.remaining > 1500, `the invocation had ${out.remaining} ms left as it began`);
  } finally {
    runner.stop();
  }
});
