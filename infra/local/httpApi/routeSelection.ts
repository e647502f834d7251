import type { MatchedRoute } from './apiEvent.js';

/**
 * API Gateway HTTP API's route keys and route selection, for the template's
 * `AWS::ApiGatewayV2::Route`s. The rules, from the API Gateway developer guide:
 * - a route key is `$default` or `METHOD /path`, METHOD one of ANY, GET, POST, PUT, PATCH,
 *   DELETE, HEAD, OPTIONS;
 * - a path part is a literal of letters, digits and `-` `.` `_` `,` `:` (so `tracks:batch` is one
 *   literal part), or a whole-part path variable `{name}`; a greedy `{name+}` only as the last part;
 *   path variables are separate parts (`/{a}.{b}` is refused), no empty parts, no trailing slash;
 * - selection: a full match of route and method first, then routes with path variables (literal
 *   parts before variables, a greedy variable last), a method's own route before ANY, and
 *   `$default` when nothing else matches; no match answers 404 `{"message":"Not Found"}`.
 */
export class InvalidRouteKeyError extends Error {
  override readonly name = 'InvalidRouteKeyError';
}

const METHODS = new Set(['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const LITERAL = /^[A-Za-z0-9._,:-]+$/;
const VARIABLE = /^\{([A-Za-z0-9._-]+)(\+?)\}$/;

type Part =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'var' | 'greedy'; readonly name: string };

export interface CompiledRoute<T> {
  readonly routeKey: string;
  readonly method: string;
  readonly parts: readonly Part[];
  readonly target: T;
}

/** Parses and checks one route key as API Gateway would on deploy. */
export function parseRouteKey(routeKey: string): { method: string; parts: Part[] } {
  if (routeKey === '$default') return { method: '$default', parts: [] };
  const m = /^([A-Z]+) (\/.*)$/.exec(routeKey);
  if (!m)
    throw new InvalidRouteKeyError(`route key ${JSON.stringify(routeKey)}: expected "$default" or "METHOD /path"`);
  const [, method = '', path = ''] = m;
  if (!METHODS.has(method))
    throw new InvalidRouteKeyError(`route key ${JSON.stringify(routeKey)}: ${method} is not an HTTP API method`);
  if (path === '/') return { method, parts: [] };
  const raw = path.slice(1).split('/');
  const parts = raw.map((text, i): Part => {
    if (text === '') throw new InvalidRouteKeyError(`route key ${JSON.stringify(routeKey)}: empty path part`);
    const v = VARIABLE.exec(text);
    if (v) {
      const name = v[1];
      if (name === undefined) throw new Error(`VARIABLE matched ${text} without a name`);
      if (v[2] === '+' && i !== raw.length - 1)
        throw new InvalidRouteKeyError(
          `route key ${JSON.stringify(routeKey)}: a greedy path variable must be the last part`,
        );
      return { kind: v[2] === '+' ? 'greedy' : 'var', name };
    }
    if (!LITERAL.test(text))
      throw new InvalidRouteKeyError(
        `route key ${JSON.stringify(routeKey)}: path part ${JSON.stringify(text)} may hold only letters, digits, - . _ , : or be a whole {variable}`,
      );
    return { kind: 'literal', text };
  });
  return { method, parts };
}

/** Checks every route key (and that none repeats) and compiles them for matching. */
export function compileRoutes<T>(routes: readonly { routeKey: string; target: T }[]): CompiledRoute<T>[] {
  const seen = new Set<string>();
  return routes.map(({ routeKey, target }) => {
    if (seen.has(routeKey)) throw new InvalidRouteKeyError(`route key ${JSON.stringify(routeKey)} is defined twice`);
    seen.add(routeKey);
    return { routeKey, target, ...parseRouteKey(routeKey) };
  });
}

/** Per part: literal 0, variable 1, greedy 2 — lower is more specific; then a method's own route before ANY. */
function rank(r: CompiledRoute<unknown>): number[] {
  return [...r.parts.map((p) => (p.kind === 'literal' ? 0 : p.kind === 'var' ? 1 : 2)), r.method === 'ANY' ? 1 : 0];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function matchParts(parts: readonly Part[], segments: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    if (part.kind === 'greedy') {
      const rest = segments.slice(i);
      if (rest.length === 0 || rest.some((s) => s === '')) return undefined;
      params[part.name] = rest.join('/');
      return params;
    }
    const seg = segments[i];
    if (seg === undefined || seg === '') return undefined;
    if (part.kind === 'literal') {
      if (seg !== part.text) return undefined;
    } else params[part.name] = seg;
  }
  return parts.length === segments.length ? params : undefined;
}

/** The route API Gateway would pick for a request, with its decoded path parameters. */
export function selectRoute<T>(
  routes: readonly CompiledRoute<T>[],
  method: string,
  rawPath: string,
): (MatchedRoute & { target: T }) | undefined {
  let segments: string[];
  try {
    segments = rawPath === '/' ? [] : rawPath.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
  const candidates = routes
    .filter((r) => r.method === method || r.method === 'ANY')
    .map((r) => ({ r, params: matchParts(r.parts, segments) }))
    .filter((c): c is { r: CompiledRoute<T>; params: Record<string, string> } => c.params !== undefined)
    .sort((a, b) => compareRank(rank(a.r), rank(b.r)));
  const best = candidates[0] ?? routes.filter((r) => r.method === '$default').map((r) => ({ r, params: {} }))[0];
  if (!best) return undefined;
  return { routeKey: best.r.routeKey, pathParameters: best.params, target: best.r.target };
}
