import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError } from '../core/errors.js';
import { HR } from '../core/hresult.js';
import {
  eraseMeBodySchema,
  itemUrlQuerySchema,
  libraryQuerySchema,
  myDownloadsQuerySchema,
  serviceTrackIdParamSchema,
  storeIdSchema,
} from '../core/schemas.js';
import type { ListenerDeps } from '../service/deps.js';
import { erasureView } from '../service/erasure/erasureView.js';
import { startErasure } from '../service/erasure/startErasure.js';
import { type ListenerEvent, listenerUserId } from '../service/listener/listenerIdentity.js';
import { myDownloads } from '../service/listener/myDownloads.js';
import { listenerItem, myItem, myItemUrl, myLibrary } from '../service/listener/myLibrary.js';
import { jsonBody, parse } from './requestInput.js';
import { errorResponse, json } from './respond.js';
import { type ListenerRouteName, listenerRouteNames } from './routes.js';

/**
 * One listener request (`/v1/me/…`) → one answer; never throws. API Gateway's JWT authorizer
 * has verified the token before this runs; the user is the token's configured claim.
 */
export async function handleListenerRequest(
  deps: ListenerDeps,
  event: ListenerEvent,
): Promise<APIGatewayProxyStructuredResultV2> {
  const requestId = event.requestContext?.requestId;
  try {
    const name = listenerRouteNames.get(event.routeKey);
    if (!name) throw new ApiError(404, 'route_not_found', `no route ${event.routeKey}`);
    return await dispatch(deps, name, event);
  } catch (err) {
    if (err instanceof ApiError) return errorResponse(err, requestId);
    deps.logger.error('unhandled error', { error: err as Error, routeKey: event.routeKey, requestId });
    return errorResponse(
      new ApiError(500, 'internal_error', 'trackdrop could not complete the request; retry it', HR.E_FAIL),
      requestId,
    );
  } finally {
    deps.telemetry.flush();
  }
}

// Private answers: a listener's library and URLs are theirs alone, never kept by a shared cache.
const noStore = { 'cache-control': 'no-store' };

async function dispatch(
  deps: ListenerDeps,
  name: ListenerRouteName,
  event: ListenerEvent,
): Promise<APIGatewayProxyStructuredResultV2> {
  // Public: the contract of both APIs, built with the deployment and read once per container.
  if (name === 'getOpenApi') return json(200, await deps.openApi(), { 'cache-control': 'public, max-age=300' });
  const userId = listenerUserId(event, deps.settings.listener.userIdClaim);
  switch (name) {
    case 'getMyLibrary': {
      const q = parse(libraryQuerySchema, event.queryStringParameters ?? {}, 'query');
      return json(200, await myLibrary(deps, userId, q.limit ?? deps.settings.listener.pageSize, q.next), noStore);
    }
    case 'getMyItem': {
      const { storeId, serviceTrackId } = itemPath(event);
      return json(200, listenerItem(await myItem(deps, userId, storeId, serviceTrackId)), noStore);
    }
    case 'getMyItemUrl': {
      const { storeId, serviceTrackId } = itemPath(event);
      const q = parse(itemUrlQuerySchema, event.queryStringParameters ?? {}, 'query');
      const answer = await myItemUrl(deps, userId, storeId, serviceTrackId, {
        part: q.part ?? 'audio',
        disposition: q.disposition ?? 'inline',
      });
      return json(200, answer, noStore);
    }
    case 'getMyDownloads': {
      const q = parse(myDownloadsQuerySchema, event.queryStringParameters ?? {}, 'query');
      return json(200, await myDownloads(deps, userId, q.limit ?? 20, q.next), noStore);
    }
    case 'eraseMe': {
      parse(eraseMeBodySchema, jsonBody(event, deps.settings.limits.maxBodyBytes), 'body');
      const { record } = await startErasure(deps, userId, 'listener');
      return json(202, erasureView(record), noStore);
    }
    case 'getMyErasure': {
      const record = await deps.erasures.get(userId);
      if (!record)
        throw new ApiError(404, 'erasure_not_found', 'no erasure of your data was asked for', HR.E_INVALIDARG);
      return json(200, erasureView(record), noStore);
    }
  }
}

// A path that could not name an item of anyone's library names none of this user's either.
function itemPath(event: ListenerEvent): { storeId: string; serviceTrackId: number } {
  const storeId = storeIdSchema.safeParse(event.pathParameters?.storeId);
  const serviceTrackId = serviceTrackIdParamSchema.safeParse(event.pathParameters?.serviceTrackId);
  if (!storeId.success || !serviceTrackId.success)
    throw new ApiError(404, 'item_not_found', 'no such item in your library', HR.E_INVALIDARG);
  return { storeId: storeId.data, serviceTrackId: serviceTrackId.data };
}
