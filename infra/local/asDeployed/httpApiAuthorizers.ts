import { type CfnTemplate, type LocalValue, type Pseudo, props, resolve, TemplateError } from './template.js';

/** An `AWS::ApiGatewayV2::Authorizer` of type JWT, resolved. */
export interface JwtAuthorizerSpec {
  readonly logicalId: string;
  /** Undefined when the issuer has no local counterpart (a Cognito user pool's URL is still given). */
  readonly issuer: string | undefined;
  readonly audience: readonly string[];
  /** `$request.header.Authorization` → `authorization`. */
  readonly identityHeader: string;
}

/** What API Gateway decides for one request on a JWT route (the shape the sandbox's authorizer answers). */
export type JwtDecision =
  | { readonly ok: true; readonly jwt: { readonly claims: Record<string, string>; readonly scopes: string[] | null } }
  | { readonly ok: false; readonly status: 401 | 403; readonly body: { readonly message: string } };

/** Builds the checker for one authorizer: the sandbox's JWT checks, with its local issuer standing in where asked. */
export type JwtVerifierFactory = (
  spec: JwtAuthorizerSpec,
) => (authorization: string | undefined, routeScopes: readonly string[]) => Promise<JwtDecision>;

/** Without a verifier no token can be checked: API Gateway's 401, for every request. */
export const refuseAllTokens: JwtVerifierFactory = () => async () => ({
  ok: false,
  status: 401,
  body: { message: 'Unauthorized' },
});

export function jwtAuthorizers(
  template: CfnTemplate,
  locals: ReadonlyMap<string, LocalValue>,
  pseudo: Pseudo,
): Map<string, JwtAuthorizerSpec> {
  const out = new Map<string, JwtAuthorizerSpec>();
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::ApiGatewayV2::Authorizer') continue;
    const p = props(r);
    if (p.AuthorizerType !== 'JWT')
      throw new TemplateError(`${id}: ${String(p.AuthorizerType)} authorizers are not run locally (JWT ones are)`);
    const jwt = (p.JwtConfiguration ?? {}) as { Issuer?: unknown; Audience?: unknown[] };
    let issuer: string | undefined;
    try {
      issuer = String(resolve(jwt.Issuer, locals, pseudo));
    } catch {
      issuer = undefined;
    }
    const audience = (jwt.Audience ?? []).flatMap((a) => {
      try {
        return [String(resolve(a, locals, pseudo))];
      } catch {
        return [];
      }
    });
    const source = String(((p.IdentitySource as unknown[] | undefined) ?? ['$request.header.Authorization'])[0]);
    const header = /^\$request\.header\.(.+)$/.exec(source)?.[1];
    if (!header) throw new TemplateError(`${id}: identity source ${source} is not run locally (a request header is)`);
    out.set(id, { logicalId: id, issuer, audience, identityHeader: header.toLowerCase() });
  }
  return out;
}
