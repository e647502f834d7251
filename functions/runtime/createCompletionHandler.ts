import { processCompletions } from '../service/completion/processCompletions.js';
import type { CompletionDeps } from '../service/deps.js';
import type { QueueHandler } from './handlerTypes.js';
import { withLambdaContext } from './lambdaContext.js';

/** The completion function: a batch from the completions queue, with the Lambda context in every log line. */
export function createCompletionHandler(deps: CompletionDeps): QueueHandler {
  return withLambdaContext(deps.logger, (event) => processCompletions(deps, event));
}
