import { lockerCors, type Route, routeKey, routes } from '../../../functions/api/routes.js';
import type { MatchedRoute } from './apiEvent.js';
import type { CorsConfiguration } from './cors.js';
import type { HttpApiPlan, Integration } from './httpApi.js';
import type { JwtAuthorizer } from './jwtAuthorizer.js';
import { compileRoutes, selectRoute } from './routeSelection.js';

export interface SourcePlanOptions {
  /** Each function's integration. */
  readonly integrations: Readonly<Record<Route['fn'], Integration>>;
  /** The JWT authorizer in front of listener routes; without one no token can pass (401). */
  readonly listenerAuthorizer?: JwtAuthorizer | undefined;
  /** The scopes listener routes require (their AuthorizationScopes). */
  readonly listenerScopes: readonly string[];
  /** Origins a locker page may call from; none: no CORS configuration. */
  readonly lockerOrigins?: readonly string[] | undefined;
}

const refuseAll: JwtAuthorizer = async () => ({ ok: false, status: 401, body: { message: 'Unauthorized' } });

/**
 * The HTTP API as the CDK app declares it, read from the source tree: the route table
 * (functions/api/routes.ts), the listener routes behind the JWT authorizer, and the locker's CORS
 * configuration. The template gives the same plan (asDeployed/templateApiPlan.ts).
 */
export function sourceApiPlan(o: SourcePlanOptions): HttpApiPlan {
  const verify = o.listenerAuthorizer ?? refuseAll;
  return {
    routes: routes.map((r) => ({
      routeKey: routeKey(r),
      integration: o.integrations[r.fn],
      ...(r.auth === 'listener'
        ? { authorizer: { identityHeader: 'authorization', verify }, scopes: o.listenerScopes }
        : {}),
    })),
    cors: o.lockerOrigins?.length ? sourceCors(o.lockerOrigins) : undefined,
  };
}

/** lockerCors as the HttpApi construct's `corsPreflight` puts it in the template. */
export function sourceCors(origins: readonly string[]): CorsConfiguration {
  return {
    AllowOrigins: [...origins],
    AllowHeaders: [...lockerCors.allowHeaders],
    AllowMethods: [...lockerCors.allowMethods],
    MaxAge: lockerCors.maxAgeSeconds,
  };
}

const sourceRoutes = compileRoutes(routes.map((r) => ({ routeKey: routeKey(r), target: r })));

/** The source tree's route for a request, as API Gateway would select it (for tests building events by hand). */
export function matchSourceRoute(method: string, path: string): MatchedRoute | undefined {
  const selected = selectRoute(sourceRoutes, method, path);
  return selected && { routeKey: selected.routeKey, pathParameters: selected.pathParameters };
}
