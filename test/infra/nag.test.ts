import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App, type PolicyViolation, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { VALIDATION_REPORT_FILE } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TrackdropStack, type TrackdropStackProps } from '../../infra/cdk/TrackdropStack.js';
import { prodSettings, testContext } from './stackFixture.js';

// cdk-nag 3 is a policy-validation plugin: findings are violations in the validation report
// (and a failed synth), not annotations, so Annotations.findError would always be empty.

const outdirs: string[] = [];
after(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** The app as infra/app.ts builds it: the stack, then the AwsSolutions pack on the whole app. */
function nagApp(props: TrackdropStackProps): { app: App; stack: TrackdropStack } {
  const outdir = mkdtempSync(join(tmpdir(), 'trackdrop-nag-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: testContext() });
  const stack = new TrackdropStack(app, 'TrackdropNag', props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

const describe = (violations: PolicyViolation[]): string =>
  violations
    .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`)
    .join('\n');

const variants: [string, TrackdropStackProps][] = [
  ['dev', {}],
  ['prod with a source bucket', { settings: prodSettings, sourceBuckets: ['a-store-catalog'] }],
];

for (const [name, props] of variants) {
  test(`AwsSolutions: no unacknowledged finding (${name})`, () => {
    const { stack } = nagApp(props);
    const report = new AwsSolutionsChecks().validateScope(stack);
    const errors = report.violations.filter((v) => v.severity === 'error');
    assert.equal(errors.length, 0, describe(errors));
    assert.equal(report.violations.length, 0, `warnings:\n${describe(report.violations)}`);
  });
}

test('AwsSolutions: the app synthesizes through the plugin and reports no violation', () => {
  const { app } = nagApp({ sourceBuckets: ['a-store-catalog'] });
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, VALIDATION_REPORT_FILE), 'utf8')) as {
    pluginReports: { pluginName: string; violations: unknown[] }[];
  };
  const nag = report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions');
  assert.deepEqual(
    nag.flatMap((r) => r.violations),
    [],
  );
});

test('AwsSolutions: the check is live (an unlogged, non-TLS bucket fails the synth)', (t) => {
  t.mock.method(console, 'error', () => undefined); // the expected report, not test output
  const { app, stack } = nagApp({});
  new Bucket(stack, 'CarelessBucket');
  assert.throws(() => app.synth(), /Validation failed/);
});
