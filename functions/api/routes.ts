/**
 * The store-facing route table. API Gateway (CDK) and the sandbox's HTTP adapter are both built
 * from it, and the api handler dispatches on the same route keys.
 */
export const routes = [
  { method: 'PUT', path: '/v1/users/{userId}/licenses/{serviceTrackId}', name: 'putLicense' },
  { method: 'DELETE', path: '/v1/users/{userId}/licenses/{serviceTrackId}', name: 'deleteLicense' },
  { method: 'PUT', path: '/v1/users/{userId}/licenses:batch', name: 'putLicenseBatch' },
  { method: 'POST', path: '/v1/downloads', name: 'openSession' },
  { method: 'POST', path: '/v1/downloads/{cookie}/tracks', name: 'downloadTrack' },
  { method: 'POST', path: '/v1/downloads/{cookie}/tracks:batch', name: 'downloadTrackBatch' },
  { method: 'GET', path: '/v1/downloads/{cookie}', name: 'getSession' },
  { method: 'DELETE', path: '/v1/downloads/{cookie}', name: 'cancelSession' },
  { method: 'GET', path: '/v1/users/{userId}/library', name: 'getLibrary' },
  { method: 'GET', path: '/v1/users/{userId}/library/content-ids', name: 'getContentIds' },
] as const;

export type Route = (typeof routes)[number];
export type RouteName = Route['name'];

/** API Gateway's route key, e.g. `POST /v1/downloads/{cookie}/tracks`. */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
