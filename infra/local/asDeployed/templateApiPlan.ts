import type { CorsConfiguration } from '../httpApi/cors.js';
import type { HttpApiPlan, Integration, PlannedRoute } from '../httpApi/httpApi.js';
import type { JwtAuthorizer } from '../httpApi/jwtAuthorizer.js';
import {
  type CfnTemplate,
  type LocalValue,
  type Pseudo,
  props,
  resolve,
  resolveString,
  resourcesOfType,
  TemplateError,
} from './template.js';

/** An `AWS::ApiGatewayV2::Authorizer` of type JWT, resolved. */
export interface JwtAuthorizerSpec {
  readonly logicalId: string;
  /** Undefined when the issuer has no local counterpart (a Cognito user pool's URL is still given). */
  readonly issuer: string | undefined;
  readonly audience: readonly string[];
  /** `$request.header.Authorization` → `authorization`. */
  readonly identityHeader: string;
}

/** Builds the checker for one authorizer: the sandbox's JWT checks, with its local issuer standing in where asked. */
export type JwtVerifierFactory = (spec: JwtAuthorizerSpec) => JwtAuthorizer;

/** Without a verifier no token can be checked: API Gateway's 401, for every request. */
export const refuseAllTokens: JwtVerifierFactory = () => async () => ({
  ok: false,
  status: 401,
  body: { message: 'Unauthorized' },
});

export interface TemplatePlanOptions {
  /** The integration for a function ARN of the template; undefined when there is no such function. */
  readonly integrationOf: (functionArn: string) => Integration | undefined;
  readonly jwtVerifier: JwtVerifierFactory;
}

/**
 * The template's HTTP API as an HttpApiPlan: its routes with their Lambda proxy integrations
 * (payload 2.0 only), JWT authorizers and scopes, and its CORS configuration. What the template
 * holds that the local API cannot run fails the start, rather than being run differently.
 */
export function templateApiPlan(
  template: CfnTemplate,
  locals: ReadonlyMap<string, LocalValue>,
  pseudo: Pseudo,
  o: TemplatePlanOptions,
): HttpApiPlan {
  const authorizers = new Map(
    [...jwtAuthorizers(template, locals, pseudo)].map(([id, spec]) => [
      id,
      { identityHeader: spec.identityHeader, verify: o.jwtVerifier(spec) },
    ]),
  );
  const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([id, r]): PlannedRoute => {
    const p = props(r);
    const auth = String(p.AuthorizationType ?? 'NONE');
    if (auth !== 'NONE' && auth !== 'JWT')
      throw new TemplateError(`${id}: authorization type ${auth} is not run locally (NONE and JWT are)`);
    const authorizerId = auth === 'JWT' ? (p.AuthorizerId as { Ref?: string } | undefined)?.Ref : undefined;
    const authorizer = authorizerId ? authorizers.get(authorizerId) : undefined;
    if (auth === 'JWT' && !authorizer)
      throw new TemplateError(`${id}: a JWT route needs an authorizer of the template`);
    const scopes = ((p.AuthorizationScopes as unknown[] | undefined) ?? []).map(String);
    const target = resolveString(p.Target, locals, pseudo);
    const integrationId = target.replace(/^integrations\//, '');
    const integration = template.Resources[integrationId];
    if (integration?.Type !== 'AWS::ApiGatewayV2::Integration')
      throw new TemplateError(`${id}: target ${target} is not an integration of the template`);
    const ip = props(integration);
    if (ip.IntegrationType !== 'AWS_PROXY' || String(ip.PayloadFormatVersion) !== '2.0')
      throw new TemplateError(`${integrationId}: only Lambda proxy integrations with payload 2.0 run locally`);
    const uri = resolveString(ip.IntegrationUri, locals, pseudo);
    const fnArn = /arn:aws:lambda:[^/]*?function:[^/:]+/.exec(uri)?.[0] ?? uri;
    const invoke = o.integrationOf(fnArn);
    if (!invoke) throw new TemplateError(`${integrationId}: ${uri} is not a function of the template`);
    return { routeKey: String(p.RouteKey), integration: invoke, authorizer, scopes };
  });
  const apis = resourcesOfType(template, 'AWS::ApiGatewayV2::Api');
  if (apis.length > 1) throw new TemplateError('one HTTP API per stack runs locally');
  const cors = apis[0] ? (props(apis[0][1]).CorsConfiguration as CorsConfiguration | undefined) : undefined;
  return { routes, cors };
}

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
