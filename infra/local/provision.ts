import type { AwsClients } from '../../functions/adapters/clients.js';
import type { ResourceNames } from '../../functions/adapters/config.js';
import type { TrackdropSettings } from '../../functions/settings.js';
import { localAccountId, localRegion } from './emulators.js';
import { provisionResources } from './resources/provisionResources.js';
import { dlqId, sourceResourcePlan } from './resources/sourceResourcePlan.js';

export interface ProvisionedQueues {
  readonly downloads: { readonly url: string; readonly dlqUrl: string };
  readonly completions: { readonly url: string; readonly dlqUrl: string };
  readonly slowCallbacks: { readonly url: string; readonly dlqUrl: string };
  readonly erasures: { readonly url: string; readonly dlqUrl: string };
}

export interface Provisioned {
  readonly names: ResourceNames;
  readonly queues: ProvisionedQueues;
  /** What the emulators could not take (TTL on dynalite). */
  readonly skipped: readonly string[];
}

/**
 * Source mode: the source tree's resource plan, created by the one provisioner, and read back as
 * the names the functions are given. `prefix` keeps parallel test suites apart.
 */
export async function provision(clients: AwsClients, settings: TrackdropSettings, prefix = ''): Promise<Provisioned> {
  const made = await provisionResources(clients, sourceResourcePlan(settings, prefix), localRegion, localAccountId);
  const table = (id: string) => must(made.tables.get(id)?.name, id);
  const queue = (id: string) => must(made.queues.get(id)?.url, id);
  const queues = {
    downloads: { url: queue('downloads'), dlqUrl: queue(dlqId('downloads')) },
    completions: { url: queue('completions'), dlqUrl: queue(dlqId('completions')) },
    slowCallbacks: { url: queue('slowCallbacks'), dlqUrl: queue(dlqId('slowCallbacks')) },
    erasures: { url: queue('erasures'), dlqUrl: queue(dlqId('erasures')) },
  };
  return {
    names: {
      tables: {
        stores: table('stores'),
        downloads: table('downloads'),
        licenses: table('licenses'),
        library: table('library'),
      },
      queueUrls: {
        downloads: queues.downloads.url,
        completions: queues.completions.url,
        slowCallbacks: queues.slowCallbacks.url,
        erasures: queues.erasures.url,
      },
      bucket: must(made.buckets.get('media')?.name, 'media'),
    },
    queues,
    skipped: made.skipped,
  };
}

function must(value: string | undefined, id: string): string {
  if (value === undefined) throw new Error(`the source resource plan has no ${id}`);
  return value;
}
