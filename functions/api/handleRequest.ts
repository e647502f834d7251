import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isThrottled } from '../adapters/isThrottled.js';
import type { LicenseAnswer, SessionOpened } from '../core/answers.js';
import { ApiError } from '../core/errors.js';
import { HR } from '../core/hresult.js';
import {
  batchBodySchema,
  contentIdsQuerySchema,
  cookieSchema,
  eventIdSchema,
  eventsQuerySchema,
  idempotencyKeySchema,
  libraryQuerySchema,
  licenseBatchBodySchema,
  licenseBodySchema,
  serviceTrackIdParamSchema,
  sessionBodySchema,
  sessionQuerySchema,
  userIdSchema,
} from '../core/schemas.js';
import type { Store } from '../core/storedRecords.js';
import { authenticate } from '../service/api/authenticate.js';
import { downloadTrack } from '../service/api/downloadTrack.js';
import { downloadTrackBatch } from '../service/api/downloadTrackBatch.js';
import { listEvents, redeliverEvent } from '../service/api/events.js';
import { contentIds, listLibrary } from '../service/api/library.js';
import { deleteLicense, putLicense, putLicenseBatch } from '../service/api/licenses.js';
import { cancelSession, openSession, sessionOf, sessionStatus } from '../service/api/sessions.js';
import type { ApiDeps } from '../service/deps.js';
import { header, jsonBody, parse } from './requestInput.js';
import { errorResponse, json } from './respond.js';
import { type ApiRouteName, apiRouteNames } from './routes.js';

const routeByKey = apiRouteNames;

/** One API Gateway HTTP API (payload 2.0) request → one answer; never throws. */
export async function handleRequest(
  deps: ApiDeps,
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const requestId = event.requestContext?.requestId;
  try {
    const name = routeByKey.get(event.routeKey);
    if (!name) throw new ApiError(404, 'route_not_found', `no route ${event.routeKey}`);
    const store = await authenticate(deps, header(event, 'authorization'));
    deps.logger.appendKeys({ storeId: store.storeId });
    const allowed = deps.rateLimiter.take(store.storeId);
    if (!allowed.ok) {
      const err = new ApiError(
        429,
        'throttled',
        `too many requests from this store; retry after ${allowed.retryAfterSeconds} s`,
        HR.E_FAIL,
      );
      return {
        ...errorResponse(err, requestId),
        headers: { 'content-type': 'application/json', 'retry-after': String(allowed.retryAfterSeconds) },
      };
    }
    return await dispatch(deps, name, store, event);
  } catch (err) {
    if (err instanceof ApiError) return errorResponse(err, requestId);
    if (isThrottled(err)) {
      deps.logger.warn('throttled by DynamoDB', { routeKey: event.routeKey, requestId });
      const busy = new ApiError(429, 'throttled', 'trackdrop is busy; retry after 1 s', HR.E_FAIL);
      return { ...errorResponse(busy, requestId), headers: { 'content-type': 'application/json', 'retry-after': '1' } };
    }
    deps.logger.error('unhandled error', { error: err as Error, routeKey: event.routeKey, requestId });
    return errorResponse(
      new ApiError(500, 'internal_error', 'trackdrop could not complete the request; retry it', HR.E_FAIL),
      requestId,
    );
  } finally {
    deps.logger.removeKeys(['storeId']);
    deps.telemetry.flush();
  }
}

async function dispatch(
  deps: ApiDeps,
  name: ApiRouteName,
  store: Store,
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const limits = deps.settings.limits;
  switch (name) {
    case 'putLicense': {
      const { userId, serviceTrackId } = licensePath(event);
      const created = await putLicense(
        deps,
        store,
        userId,
        serviceTrackId,
        parse(licenseBodySchema, body(deps, event, true)),
      );
      const answer: LicenseAnswer = { userId, serviceTrackId, state: created ? 'created' : 'updated' };
      return json(created ? 201 : 200, answer);
    }
    case 'deleteLicense': {
      const { userId, serviceTrackId } = licensePath(event);
      await deleteLicense(deps, store, userId, serviceTrackId);
      return json(204);
    }
    case 'putLicenseBatch': {
      const userId = parse(userIdSchema, event.pathParameters?.userId, 'userId');
      const { licenses } = parse(licenseBatchBodySchema(limits.maxBatchTracks), body(deps, event));
      return json(200, await putLicenseBatch(deps, store, userId, licenses));
    }
    case 'openSession': {
      const key = header(event, 'idempotency-key');
      if (key !== undefined && !idempotencyKeySchema.safeParse(key).success) {
        throw new ApiError(400, 'invalid_request', 'Idempotency-Key: 1-128 visible ASCII characters', HR.E_INVALIDARG);
      }
      const session = await openSession(
        deps,
        store,
        parse(sessionBodySchema(limits.maxContainers), body(deps, event)),
        key,
      );
      const answer: SessionOpened = { cookie: session.cookie, userId: session.userId, createdAt: session.createdAt };
      return json(201, answer);
    }
    case 'downloadTrack': {
      const session = await sessionOf(deps, store, cookieParam(event));
      const answer = await downloadTrack(deps, store, session, body(deps, event));
      return json(answer.status, answer.body);
    }
    case 'downloadTrackBatch': {
      const session = await sessionOf(deps, store, cookieParam(event));
      const { tracks } = parse(batchBodySchema(limits.maxBatchTracks), body(deps, event));
      return json(200, await downloadTrackBatch(deps, store, session, tracks));
    }
    case 'getSession': {
      const cookie = cookieParam(event);
      const q = parse(sessionQuerySchema, event.queryStringParameters ?? {}, 'query');
      return json(200, await sessionStatus(deps, store, cookie, q.limit ?? 1000, q.next));
    }
    case 'cancelSession':
      return json(202, await cancelSession(deps, store, cookieParam(event)));
    case 'getLibrary': {
      const userId = parse(userIdSchema, event.pathParameters?.userId, 'userId');
      const q = parse(libraryQuerySchema, event.queryStringParameters ?? {}, 'query');
      return json(200, await listLibrary(deps, store, userId, q.limit ?? 100, q.next));
    }
    case 'listEvents': {
      const q = parse(eventsQuerySchema, event.queryStringParameters ?? {}, 'query');
      return json(
        200,
        await listEvents(deps, store, { limit: q.limit ?? 100, after: q.after, type: q.type, since: q.since }),
      );
    }
    case 'redeliverEvent': {
      const id = eventIdSchema.safeParse(event.pathParameters?.eventId);
      if (!id.success)
        throw new ApiError(404, 'event_not_found', 'no event of this store with this id', HR.E_INVALIDARG);
      return json(202, await redeliverEvent(deps, store, id.data));
    }
    case 'getContentIds': {
      const userId = parse(userIdSchema, event.pathParameters?.userId, 'userId');
      const q = parse(contentIdsQuerySchema, event.queryStringParameters ?? {}, 'query');
      return json(200, await contentIds(deps, store, userId, q.limit ?? 10_000, q.next));
    }
  }
}

function licensePath(event: APIGatewayProxyEventV2): { userId: string; serviceTrackId: number } {
  return {
    userId: parse(userIdSchema, event.pathParameters?.userId, 'userId'),
    serviceTrackId: parse(serviceTrackIdParamSchema, event.pathParameters?.serviceTrackId, 'serviceTrackId'),
  };
}

// Any cookie that is not one trackdrop could have issued is simply unknown.
function cookieParam(event: APIGatewayProxyEventV2): string {
  const out = cookieSchema.safeParse(event.pathParameters?.cookie);
  if (!out.success)
    throw new ApiError(404, 'session_not_found', 'no download session with this cookie', HR.E_INVALIDARG);
  return out.data;
}

/** The JSON body; `optional` lets an empty body stand for `{}`. */
function body(deps: ApiDeps, event: APIGatewayProxyEventV2, optional = false): unknown {
  return jsonBody(event, deps.settings.limits.maxBodyBytes, optional);
}
