import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { defaultSettings, type TrackdropSettings } from '../../functions/settings.js';
import { repoRoot } from '../../infra/cdk/TrackdropFunction.js';
import { TrackdropStack, type TrackdropStackProps } from '../../infra/cdk/TrackdropStack.js';

/**
 * cdk.json's context (feature flags included), so these tests synthesize what `cdk synth`
 * does; an empty bundling-stacks list keeps esbuild out of template tests.
 */
export function testContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return { ...cdkJson.context, [BUNDLING_STACKS]: [] };
}

export interface StackUnderTest {
  readonly app: App;
  readonly stack: TrackdropStack;
  readonly template: Template;
}

export function synthStack(props: TrackdropStackProps = {}): StackUnderTest {
  const app = new App({ context: testContext() });
  const stack = new TrackdropStack(app, 'TrackdropTest', props);
  return { app, stack, template: Template.fromStack(stack) };
}

export const prodSettings: TrackdropSettings = { ...defaultSettings, stage: 'prod' };

/** The logical id CloudFormation knows a construct by (its default child for L2s). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** One (action, resource) pair an IAM policy allows; `resource` is its JSON, tokens and all. */
export interface Grant {
  readonly action: string;
  readonly resource: string;
}

interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Everything the role of `fn` is allowed, flattened from the policies attached to it. */
export function grantsOf(template: Template, fn: IConstruct & { role?: IConstruct | undefined }): Grant[] {
  if (!fn.role) throw new Error(`${fn.node.path} has no role`);
  const roleId = logicalId(fn.role);
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: PolicyStatementJson[] } } }
  >;
  const grants: Grant[] = [];
  for (const policy of Object.values(policies)) {
    if (!policy.Properties.Roles.some((r) => r.Ref === roleId)) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      if (statement.Effect !== 'Allow') continue;
      const actions = ([] as string[]).concat(statement.Action);
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const action of actions) {
        for (const resource of resources) grants.push({ action, resource: JSON.stringify(resource) });
      }
    }
  }
  return grants;
}

/**
 * Whether `grants` allow `action` on a resource whose JSON mentions every fragment
 * (a logical id, a key pattern such as `/users/*`, a literal ARN).
 */
export function allows(grants: readonly Grant[], action: string, ...fragments: string[]): boolean {
  return grants.some((g) => g.action === action && fragments.every((f) => g.resource.includes(f)));
}
