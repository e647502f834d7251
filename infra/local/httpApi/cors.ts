/**
 * An HTTP API's `CorsConfiguration`, as API Gateway applies it: it answers preflight requests
 * itself (an OPTIONS request with `Origin` and `Access-Control-Request-Method`, even without an
 * OPTIONS route), adds the configured headers to responses for requests with an allowed
 * `Origin`, and drops any CORS headers the integration returned.
 */
export interface CorsConfiguration {
  readonly AllowOrigins?: readonly string[];
  readonly AllowMethods?: readonly string[];
  readonly AllowHeaders?: readonly string[];
  readonly ExposeHeaders?: readonly string[];
  readonly MaxAge?: number;
  readonly AllowCredentials?: boolean;
}

type Headers = Readonly<Record<string, string | undefined>>;

export function isPreflight(method: string, headers: Headers): boolean {
  return method === 'OPTIONS' && headers.origin !== undefined && headers['access-control-request-method'] !== undefined;
}

function allowedOrigin(cors: CorsConfiguration, origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  const origins = cors.AllowOrigins ?? [];
  if (origins.includes('*')) return cors.AllowCredentials ? origin : '*';
  return origins.includes(origin) ? origin : undefined;
}

/** The 204 API Gateway answers a preflight with; without CORS headers when the origin is not allowed. */
export function preflightHeaders(cors: CorsConfiguration, headers: Headers): Record<string, string> {
  const origin = allowedOrigin(cors, headers.origin);
  if (!origin) return {};
  return {
    'access-control-allow-origin': origin,
    ...(cors.AllowMethods?.length ? { 'access-control-allow-methods': cors.AllowMethods.join(',') } : {}),
    ...(cors.AllowHeaders?.length ? { 'access-control-allow-headers': cors.AllowHeaders.join(',') } : {}),
    ...(cors.MaxAge !== undefined ? { 'access-control-max-age': String(cors.MaxAge) } : {}),
    ...(cors.AllowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
  };
}

/** A response's headers with the integration's CORS headers replaced by the configured ones. */
export function withCorsHeaders(
  cors: CorsConfiguration,
  requestHeaders: Headers,
  responseHeaders: Readonly<Record<string, string | number | boolean>>,
): Record<string, string | number | boolean> {
  const out = Object.fromEntries(
    Object.entries(responseHeaders).filter(([k]) => !k.toLowerCase().startsWith('access-control-')),
  );
  const origin = allowedOrigin(cors, requestHeaders.origin);
  if (!origin) return out;
  return {
    ...out,
    'access-control-allow-origin': origin,
    ...(cors.ExposeHeaders?.length ? { 'access-control-expose-headers': cors.ExposeHeaders.join(',') } : {}),
    ...(cors.AllowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
  };
}
