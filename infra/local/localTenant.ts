import type { Message } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { messageTenant } from '../../functions/core/queueMessages.js';
import type { PollerOptions } from './queuePoller.js';

const tenantFields = z.object({ storeId: z.optional(z.string()) });

/**
 * A message's tenant as the local event source sees it: its MessageGroupId when the emulator
 * returns one, as SQS does. fauxqs keeps none on a standard queue, so otherwise the tenant the
 * sender named, found in the body by the same rule (messageTenant) that set its MessageGroupId.
 */
export function localTenantOf(m: Message): string | undefined {
  const sent = m.Attributes?.MessageGroupId;
  if (sent) return sent;
  try {
    const body = tenantFields.safeParse(JSON.parse(m.Body ?? ''));
    return body.success ? messageTenant(body.data) : undefined;
  } catch {
    return undefined; // not JSON: a tenant of its own, as a message without a MessageGroupId is
  }
}

/** How an event source serves its queue: as SQS serves a fair queue (the default), or first come, first served. */
export function queueFairness(fair: boolean | undefined): Pick<PollerOptions, 'tenantOf' | 'fairness'> {
  return fair === false ? { fairness: false } : { tenantOf: localTenantOf };
}
