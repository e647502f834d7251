/** The parts of a CloudFormation template the as-deployed stack reads. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

/** What a resource resolves to once it exists locally: its `Ref` and its `Fn::GetAtt` attributes. */
export interface LocalValue {
  readonly ref: string;
  readonly attrs: Readonly<Record<string, string>>;
}

export interface Pseudo {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** Logical ids and resources of one type, in template order. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export function props(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

/**
 * Resolves `Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub` and `Fn::Select` against the local
 * resources, the way CloudFormation resolves them against the deployed ones. Anything it cannot
 * resolve fails loudly: a value the template would give a function must not be guessed here.
 */
export function resolve(value: unknown, locals: ReadonlyMap<string, LocalValue>, pseudo: Pseudo): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, locals, pseudo));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [fn] = keys as [string];
    const arg = obj[fn];
    switch (fn) {
      case 'Ref':
        return ref(String(arg), locals, pseudo);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        const local = locals.get(String(id));
        const v = local?.attrs[String(attr)];
        if (v === undefined) throw new TemplateError(`cannot resolve Fn::GetAtt ${id}.${attr} locally`);
        return v;
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return (resolve(parts, locals, pseudo) as unknown[]).map(String).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number | string, unknown];
        return (resolve(list, locals, pseudo) as unknown[])[Number(index)];
      }
      case 'Fn::Sub': {
        const [text, vars] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
        return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
          if (name in vars) return String(resolve(vars[name], locals, pseudo));
          const dot = name.indexOf('.');
          if (dot > 0 && !name.startsWith('AWS::'))
            return String(resolve({ 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] }, locals, pseudo));
          return ref(name, locals, pseudo);
        });
      }
      default:
        if (fn.startsWith('Fn::')) throw new TemplateError(`${fn} is not supported locally`);
    }
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolve(v, locals, pseudo)]));
}

function ref(name: string, locals: ReadonlyMap<string, LocalValue>, pseudo: Pseudo): string {
  switch (name) {
    case 'AWS::Region':
      return pseudo.region;
    case 'AWS::AccountId':
      return pseudo.accountId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return pseudo.stackName;
  }
  const local = locals.get(name);
  if (!local) throw new TemplateError(`cannot resolve Ref ${name} locally`);
  return local.ref;
}

export function resolveString(value: unknown, locals: ReadonlyMap<string, LocalValue>, pseudo: Pseudo): string {
  const v = resolve(value, locals, pseudo);
  if (typeof v !== 'string') throw new TemplateError(`expected a string, got ${JSON.stringify(v)}`);
  return v;
}
