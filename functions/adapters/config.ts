import { bucket, queues, tables } from '../resources.js';

/** The names and URLs of what the functions use. */
export interface ResourceNames {
  readonly tables: {
    readonly stores: string;
    readonly downloads: string;
    readonly licenses: string;
    readonly library: string;
  };
  readonly queueUrls: {
    readonly downloads: string;
    readonly completions: string;
    readonly slowCallbacks: string;
    readonly erasures: string;
  };
  readonly bucket: string;
}

export class MissingConfigError extends Error {
  override readonly name = 'MissingConfigError';
}

/** The environment variables naming the given resources (a local run; each function reads its own, see functions/runtime/functionEnv.ts). */
export function resourceEnv(names: ResourceNames): Record<string, string> {
  return {
    [tables.stores.env]: names.tables.stores,
    [tables.downloads.env]: names.tables.downloads,
    [tables.licenses.env]: names.tables.licenses,
    [tables.library.env]: names.tables.library,
    [queues.downloads.env]: names.queueUrls.downloads,
    [queues.completions.env]: names.queueUrls.completions,
    [queues.slowCallbacks.env]: names.queueUrls.slowCallbacks,
    [queues.erasures.env]: names.queueUrls.erasures,
    [bucket.env]: names.bucket,
  };
}
