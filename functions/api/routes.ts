/**
 * The route table. API Gateway (CDK) and the sandbox's HTTP adapter are both built from it, the
 * handlers dispatch on the same route keys, and the OpenAPI document is checked against it.
 *
 * - `auth`: `store` — a store API key, checked by the api function; `listener` — a listener's
 *   JWT, checked by API Gateway's JWT authorizer before the function runs; `none` — public.
 * - `fn`: the function that serves the route. Listener routes run in their own function, so the
 *   store API's bundle carries no S3 client and its role no object access.
 */
export const routes = [
  { method: 'PUT', path: '/v1/users/{userId}/licenses/{serviceTrackId}', name: 'putLicense', auth: 'store', fn: 'api' },
  {
    method: 'DELETE',
    path: '/v1/users/{userId}/licenses/{serviceTrackId}',
    name: 'deleteLicense',
    auth: 'store',
    fn: 'api',
  },
  { method: 'PUT', path: '/v1/users/{userId}/licenses:batch', name: 'putLicenseBatch', auth: 'store', fn: 'api' },
  { method: 'POST', path: '/v1/downloads', name: 'openSession', auth: 'store', fn: 'api' },
  { method: 'POST', path: '/v1/downloads/{cookie}/tracks', name: 'downloadTrack', auth: 'store', fn: 'api' },
  { method: 'POST', path: '/v1/downloads/{cookie}/tracks:batch', name: 'downloadTrackBatch', auth: 'store', fn: 'api' },
  { method: 'GET', path: '/v1/downloads/{cookie}', name: 'getSession', auth: 'store', fn: 'api' },
  { method: 'DELETE', path: '/v1/downloads/{cookie}', name: 'cancelSession', auth: 'store', fn: 'api' },
  { method: 'GET', path: '/v1/users/{userId}/library', name: 'getLibrary', auth: 'store', fn: 'api' },
  { method: 'GET', path: '/v1/users/{userId}/library/content-ids', name: 'getContentIds', auth: 'store', fn: 'api' },
  { method: 'GET', path: '/v1/events', name: 'listEvents', auth: 'store', fn: 'api' },
  { method: 'POST', path: '/v1/events/{eventId}/redeliver', name: 'redeliverEvent', auth: 'store', fn: 'api' },
  { method: 'GET', path: '/v1/me/library', name: 'getMyLibrary', auth: 'listener', fn: 'listener' },
  {
    method: 'GET',
    path: '/v1/me/library/{storeId}/{serviceTrackId}',
    name: 'getMyItem',
    auth: 'listener',
    fn: 'listener',
  },
  {
    method: 'GET',
    path: '/v1/me/library/{storeId}/{serviceTrackId}/url',
    name: 'getMyItemUrl',
    auth: 'listener',
    fn: 'listener',
  },
  { method: 'GET', path: '/v1/me/downloads', name: 'getMyDownloads', auth: 'listener', fn: 'listener' },
  { method: 'DELETE', path: '/v1/me', name: 'eraseMe', auth: 'listener', fn: 'listener' },
  { method: 'GET', path: '/v1/me/erasure', name: 'getMyErasure', auth: 'listener', fn: 'listener' },
  { method: 'GET', path: '/v1/openapi.json', name: 'getOpenApi', auth: 'none', fn: 'listener' },
] as const;

export type Route = (typeof routes)[number];
export type RouteName = Route['name'];
export type RouteAuth = Route['auth'];
export type RouteFunction = Route['fn'];

/** API Gateway's route key, e.g. `POST /v1/downloads/{cookie}/tracks`. */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

type ApiRoute = Extract<Route, { fn: 'api' }>;
type ListenerRoute = Extract<Route, { fn: 'listener' }>;
export type ApiRouteName = ApiRoute['name'];
export type ListenerRouteName = ListenerRoute['name'];

/** The routes each function serves, by route key. */
export const apiRouteNames = new Map(
  routes.filter((r): r is ApiRoute => r.fn === 'api').map((r) => [routeKey(r), r.name]),
);
export const listenerRouteNames = new Map(
  routes.filter((r): r is ListenerRoute => r.fn === 'listener').map((r) => [routeKey(r), r.name]),
);

/** The API's CORS answer to a locker page on another origin (API Gateway's CORS configuration; the sandbox mirrors it). */
export const lockerCors = {
  allowHeaders: ['authorization', 'content-type'],
  // DELETE: the page's "Erase my library" (DELETE /v1/me).
  allowMethods: ['GET', 'DELETE', 'OPTIONS'],
  maxAgeSeconds: 600,
} as const;
