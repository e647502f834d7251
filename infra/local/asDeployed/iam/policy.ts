/**
 * A small IAM policy evaluator for exactly what trackdrop's template uses: Allow and Deny,
 * Action / NotAction and Resource / NotResource with `*` and `?` wildcards, Principal in resource
 * policies, and the condition operators below (with `IfExists`). Anything else in a policy fails
 * loudly instead of being silently allowed or denied.
 *
 * Evaluation follows AWS's order for a principal and a resource in the same account: an explicit
 * Deny in any policy wins; otherwise the request is allowed when the identity policies or the
 * resource policy allow it — except for KMS, where the key policy must allow it, directly or by
 * naming the account root, which hands the decision to the identity policies.
 */

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
  readonly Condition?: Readonly<
    Record<string, Readonly<Record<string, string | boolean | readonly (string | boolean)[]>>>
  >;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Statement[] | Statement;
}

export interface Request {
  /** The caller: an IAM role ARN. */
  readonly principalArn: string;
  readonly accountId: string;
  readonly action: string;
  readonly resource: string;
  /** Global and service condition keys, e.g. `aws:SecureTransport`. */
  readonly context: Readonly<Record<string, string | undefined>>;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface Evaluation {
  readonly decision: Decision;
  /** Why, in the words AWS uses in its AccessDenied messages. */
  readonly reason: string;
}

export class UnsupportedPolicyError extends Error {
  override readonly name = 'UnsupportedPolicyError';
}

const list = <T>(v: T | readonly T[] | undefined): readonly T[] =>
  v === undefined ? [] : Array.isArray(v) ? (v as readonly T[]) : [v as T];

export function statements(doc: PolicyDocument): readonly Statement[] {
  return list(doc.Statement);
}

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function wildcardMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's').test(value);
}

function actionMatches(s: Statement, action: string): boolean {
  if (s.Action !== undefined) return list(s.Action).some((a) => wildcardMatch(a, action, true));
  if (s.NotAction !== undefined) return !list(s.NotAction).some((a) => wildcardMatch(a, action, true));
  throw new UnsupportedPolicyError('a statement needs Action or NotAction');
}

function resourceMatches(s: Statement, resource: string): boolean {
  if (s.Resource !== undefined) return list(s.Resource).some((r) => wildcardMatch(r, resource));
  if (s.NotResource !== undefined) return !list(s.NotResource).some((r) => wildcardMatch(r, resource));
  throw new UnsupportedPolicyError('a statement needs Resource or NotResource');
}

/** How a resource policy's Principal names the caller: itself, everyone, its account's root, or not at all. */
export function principalMatch(s: Statement, req: Request): 'caller' | 'everyone' | 'accountRoot' | 'none' {
  const p = s.Principal;
  if (p === undefined) throw new UnsupportedPolicyError('a resource policy statement needs a Principal');
  if (p === '*') return 'everyone';
  let best: 'caller' | 'everyone' | 'accountRoot' | 'none' = 'none';
  for (const aws of list(p.AWS)) {
    if (aws === '*') best = 'everyone';
    else if (aws === req.principalArn) return 'caller';
    else if (aws === `arn:aws:iam::${req.accountId}:root` || aws === req.accountId)
      best = best === 'none' ? 'accountRoot' : best;
  }
  return best;
}

type Operator = (values: readonly string[], actual: string | undefined) => boolean;

const anyOf =
  (test: (pattern: string, actual: string) => boolean): Operator =>
  (values, actual) =>
    actual !== undefined && values.some((v) => test(v, actual));
const noneOf =
  (test: (pattern: string, actual: string) => boolean): Operator =>
  (values, actual) =>
    actual === undefined || !values.some((v) => test(v, actual));

const operators: Record<string, Operator> = {
  StringEquals: anyOf((v, a) => v === a),
  StringNotEquals: noneOf((v, a) => v === a),
  StringEqualsIgnoreCase: anyOf((v, a) => v.toLowerCase() === a.toLowerCase()),
  StringLike: anyOf((v, a) => wildcardMatch(v, a)),
  StringNotLike: noneOf((v, a) => wildcardMatch(v, a)),
  ArnEquals: anyOf((v, a) => v === a),
  ArnLike: anyOf((v, a) => wildcardMatch(v, a)),
  ArnNotEquals: noneOf((v, a) => v === a),
  ArnNotLike: noneOf((v, a) => wildcardMatch(v, a)),
  Bool: anyOf((v, a) => v.toLowerCase() === a.toLowerCase()),
  Null: (values, actual) => values.some((v) => (v.toLowerCase() === 'true') === (actual === undefined)),
};

function conditionsHold(s: Statement, req: Request): boolean {
  for (const [rawOp, keys] of Object.entries(s.Condition ?? {})) {
    const ifExists = rawOp.endsWith('IfExists');
    const op = ifExists ? rawOp.slice(0, -'IfExists'.length) : rawOp;
    const test = operators[op];
    if (!test) throw new UnsupportedPolicyError(`condition operator ${rawOp} is not supported by the local evaluator`);
    for (const [key, raw] of Object.entries(keys)) {
      const actual = req.context[key] ?? req.context[key.toLowerCase()];
      if (ifExists && actual === undefined) continue;
      if (!test(list(raw).map(String), actual)) return false;
    }
  }
  return true;
}

function applies(s: Statement, req: Request): boolean {
  return actionMatches(s, req.action) && resourceMatches(s, req.resource) && conditionsHold(s, req);
}

export interface Policies {
  /** The caller's identity policies (inline and managed). */
  readonly identity: readonly Statement[];
  /** The resource's own policy (bucket policy, queue policy, key policy), if it has one. */
  readonly resource?: readonly Statement[] | undefined;
  /** KMS keys: the key policy alone decides, or delegates to IAM through the account root. */
  readonly resourcePolicyRequired?: boolean;
}

export function evaluate(policies: Policies, req: Request): Evaluation {
  const resource = (policies.resource ?? []).map((s) => ({ s, who: principalMatch(s, req) }));
  const denyIdentity = policies.identity.find((s) => s.Effect === 'Deny' && applies(s, req));
  if (denyIdentity) return { decision: 'explicitDeny', reason: 'with an explicit deny in an identity-based policy' };
  const denyResource = resource.find(({ s, who }) => s.Effect === 'Deny' && who !== 'none' && applies(s, req));
  if (denyResource) return { decision: 'explicitDeny', reason: 'with an explicit deny in a resource-based policy' };
  const identityAllows = policies.identity.some((s) => s.Effect === 'Allow' && applies(s, req));
  const resourceAllow = resource.filter(({ s }) => s.Effect === 'Allow' && applies(s, req));
  const resourceAllowsCaller = resourceAllow.some(({ who }) => who === 'caller' || who === 'everyone');
  const resourceDelegates = resourceAllow.some(({ who }) => who === 'accountRoot');
  if (policies.resourcePolicyRequired) {
    if (resourceAllowsCaller || (resourceDelegates && identityAllows)) return { decision: 'allowed', reason: '' };
    return {
      decision: 'implicitDeny',
      reason: resourceDelegates
        ? 'because no identity-based policy allows the action'
        : 'because no resource-based policy allows the action',
    };
  }
  if (identityAllows || resourceAllowsCaller) return { decision: 'allowed', reason: '' };
  return { decision: 'implicitDeny', reason: `because no identity-based policy allows the ${req.action} action` };
}
