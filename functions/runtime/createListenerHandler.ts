import { handleListenerRequest } from '../api/handleListenerRequest.js';
import type { ListenerDeps } from '../service/deps.js';
import type { ApiHandler } from './handlerTypes.js';
import { withLambdaContext } from './lambdaContext.js';

/** The listener function: one `/v1/me/…` request (its JWT verified by API Gateway) in, one answer out. */
export function createListenerHandler(deps: ListenerDeps): ApiHandler {
  return withLambdaContext(deps.logger, (event) => handleListenerRequest(deps, event));
}
