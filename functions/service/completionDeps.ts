import { CallbackSender } from '../adapters/callbackSender.js';
import { buildCommonDeps } from './commonDeps.js';
import type { CompletionDeps, DepsInput } from './deps.js';

export function buildCompletionDeps(i: DepsInput): CompletionDeps {
  return { ...buildCommonDeps(i), callbacks: new CallbackSender(i.settings.callbacks.timeoutSeconds * 1000) };
}
