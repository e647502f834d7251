import { settingsEnv, settingsFromEnv, type TrackdropSettings } from '../../../functions/settings.js';
import type { CfnResource, CfnTemplate } from './template.js';

/**
 * The template with every function's settings passed through `change`: how a test or the chaos
 * run shortens what it must wait for (the downloads lease, retry waits) on the synthesized stack,
 * saying so, rather than a second way to run the functions. Variables other than the settings,
 * and every other resource, are left as synthesized.
 */
export function withFunctionSettings(
  template: CfnTemplate,
  change: (settings: TrackdropSettings) => TrackdropSettings,
): CfnTemplate {
  const resources = Object.fromEntries(
    Object.entries(template.Resources).map(([id, r]): [string, CfnResource] => {
      const env = r.Type === 'AWS::Lambda::Function' ? r.Properties?.Environment : undefined;
      if (
        !env ||
        typeof env !== 'object' ||
        !('Variables' in env) ||
        typeof env.Variables !== 'object' ||
        !env.Variables
      )
        return [id, r];
      const variables: Record<string, unknown> = Object.fromEntries(Object.entries(env.Variables));
      const raw = variables[settingsEnv];
      if (typeof raw !== 'string') return [id, r];
      variables[settingsEnv] = JSON.stringify(change(settingsFromEnv({ [settingsEnv]: raw })));
      return [id, { ...r, Properties: { ...r.Properties, Environment: { ...env, Variables: variables } } }];
    }),
  );
  return { ...template, Resources: resources };
}
