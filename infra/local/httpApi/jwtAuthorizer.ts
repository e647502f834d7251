import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';

/** What an HTTP API JWT authorizer is configured with (AWS::ApiGatewayV2::Authorizer, JwtConfiguration). */
export interface JwtAuthorizerConfig {
  readonly issuer: string;
  readonly audience: readonly string[];
  /** Where the signing keys are; default: the `jwks_uri` of the issuer's OpenID configuration, as API Gateway finds it. */
  readonly jwksUrl?: string | undefined;
}

/** The claims and scopes API Gateway puts in `requestContext.authorizer.jwt`. */
export interface JwtContext {
  readonly claims: Record<string, string>;
  readonly scopes: string[] | null;
}

export type JwtDecision =
  | { readonly ok: true; readonly jwt: JwtContext }
  | {
      readonly ok: false;
      readonly status: 401 | 403;
      readonly body: { readonly message: 'Unauthorized' | 'Forbidden' };
    };

export type JwtAuthorizer = (
  authorization: string | undefined,
  routeScopes?: readonly string[],
) => Promise<JwtDecision>;

const unauthorized: JwtDecision = { ok: false, status: 401, body: { message: 'Unauthorized' } };
const forbidden: JwtDecision = { ok: false, status: 403, body: { message: 'Forbidden' } };

/** HTTP API JWT authorizers accept only RSA signatures. */
const algorithms = ['RS256', 'RS384', 'RS512'];

/**
 * The checks API Gateway's HTTP API JWT authorizer makes, in its order: a token in the
 * Authorization header (with or without `Bearer `); a signature by a key of the issuer's JWKS
 * (matched by `kid`, RSA only); `iss` equal to the issuer; `aud` — or, only when there is no
 * `aud`, `client_id` — one of the audiences; `exp` after now; `nbf` and `iat`, when present,
 * before now; and, when the route names scopes, at least one of them in `scope`/`scp`. A failed
 * check is 401, missing scopes 403, each with API Gateway's own body. The local HTTP API puts it
 * in front of a plan's JWT routes, in both modes.
 */
export function createJwtAuthorizer(config: JwtAuthorizerConfig): JwtAuthorizer {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keySet = async () =>
    (keys ??= createRemoteJWKSet(new URL(config.jwksUrl ?? (await discoverJwksUri(config.issuer)))));
  return async (authorization, routeScopes = []) => {
    const token = /^(?:Bearer\s+)?(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (!token) return unauthorized;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await keySet(), {
        issuer: config.issuer,
        algorithms,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      if (err instanceof errors.JOSEError || err instanceof TypeError) return unauthorized;
      throw err;
    }
    if (!audienceMatches(payload, config.audience)) return unauthorized;
    if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000)) return unauthorized;
    const scopes = scopesOf(payload);
    if (routeScopes.length > 0 && !routeScopes.some((s) => scopes?.includes(s))) return forbidden;
    return { ok: true, jwt: { claims: claimsAsApiGatewayPassesThem(payload), scopes } };
  };
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`issuer ${issuer}: OpenID configuration answered ${res.status}`);
  const doc = (await res.json()) as { jwks_uri?: unknown };
  if (typeof doc.jwks_uri !== 'string') throw new Error(`issuer ${issuer}: OpenID configuration has no jwks_uri`);
  return doc.jwks_uri;
}

function audienceMatches(payload: JWTPayload, audience: readonly string[]): boolean {
  if (payload.aud !== undefined) return [payload.aud].flat().some((a) => audience.includes(a));
  return typeof payload.client_id === 'string' && audience.includes(payload.client_id);
}

function scopesOf(payload: JWTPayload): string[] | null {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return null;
}

/** API Gateway hands claims over as text: numbers and booleans as their digits and words, arrays as `[a b]`. */
function claimsAsApiGatewayPassesThem(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value)
      ? `[${value.map(String).join(' ')}]`
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  }
  return out;
}
