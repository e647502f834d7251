import { bucket, queues, tables } from '../resources.js';

/** The names and URLs of what the functions use, read once from the environment. */
export interface ResourceNames {
  readonly tables: { readonly stores: string; readonly downloads: string; readonly licenses: string; readonly library: string };
  readonly queueUrls: { readonly downloads: string; readonly completions: string };
  readonly bucket: string;
}

export class MissingConfigError extends Error {
  override readonly name = 'MissingConfigError';
}

/** Fails fast at cold start when a variable is missing, rather than on the first request. */
export function readResourceNames(env: NodeJS.ProcessEnv): ResourceNames {
  const need = (name: string): string => {
    const v = env[name];
    if (!v) throw new MissingConfigError(`environment variable ${name} is not set`);
    return v;
  };
  return {
    tables: {
      stores: need(tables.stores.env),
      downloads: need(tables.downloads.env),
      licenses: need(tables.licenses.env),
      library: need(tables.library.env),
    },
    queueUrls: { downloads: need(queues.downloads.env), completions: need(queues.completions.env) },
    bucket: need(bucket.env),
  };
}

/** The inverse, for the sandbox and tests: environment variables naming the given resources. */
export function resourceEnv(names: ResourceNames): Record<string, string> {
  return {
    [tables.stores.env]: names.tables.stores,
    [tables.downloads.env]: names.tables.downloads,
    [tables.licenses.env]: names.tables.licenses,
    [tables.library.env]: names.tables.library,
    [queues.downloads.env]: names.queueUrls.downloads,
    [queues.completions.env]: names.queueUrls.completions,
    [bucket.env]: names.bucket,
  };
}
