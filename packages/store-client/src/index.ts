export { parseCallbackEvent } from './callbackEvent.js';
export {
  createStoreClient,
  type EventsQuery,
  type OpenSessionOptions,
  type PageQuery,
  type PagingOptions,
  type StoreClient,
  type StoreClientOptions,
} from './client.js';
export type { components, operations, paths, webhooks } from './openapi.js';
export { itemsOf, pages } from './paging.js';
export { withRetry } from './retry.js';
export { defaultRetryPolicy, type RetryPolicy, retryAfterMs, retryDelayMs, retryPolicy } from './retryPolicy.js';
export {
  readSession,
  type SessionOutcome,
  SessionWaitTimeout,
  type WaitOptions,
  waitForSession,
} from './sessionWait.js';
export { isSettled } from './settled.js';
export { type SignatureCheck, type SignatureVerdict, signatureVerdict, verifySignature } from './signature.js';
export { StoreApiError } from './storeApiError.js';
export { isThrottledItem, sendRetryingThrottled } from './throttledItems.js';
export type * from './types.js';
export { type CallbackVerdict, verifyCallback } from './verifyCallback.js';
