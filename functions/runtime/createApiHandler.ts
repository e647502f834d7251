import { handleRequest } from '../api/handleRequest.js';
import type { ApiDeps } from '../service/deps.js';
import type { ApiHandler } from './handlerTypes.js';
import { withLambdaContext } from './lambdaContext.js';

/** The api function: one HTTP API request in, one answer out, with the Lambda context in every log line. */
export function createApiHandler(deps: ApiDeps): ApiHandler {
  return withLambdaContext(deps.logger, (event) => handleRequest(deps, event));
}
