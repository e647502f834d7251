import { registerStore } from '../../functions/service/admin/registerStore.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../infra/local/localStack.js';
import { type FakeStore, startFakeStore } from '../../testkit/fakeStore.js';
import { StoreClient } from '../../testkit/storeClient.js';

/** A local stack, a fake store registered on it (its origin and these source buckets allowed) and that store's API client. */
export async function startStoreOnStack(
  storeId: string,
  opts: { readonly stack?: LocalStackOptions; readonly sourceBuckets?: readonly string[] } = {},
): Promise<{ stack: LocalStack; store: FakeStore; client: StoreClient }> {
  const stack = await startLocalStack(opts.stack);
  const store = await startFakeStore();
  const allowOrigins = [store.originUrl, ...(opts.sourceBuckets ?? []).map((b) => `s3://${b}`)];
  const reg = await registerStore(stack.stores, { storeId, callbackUrl: store.callbackUrl, allowOrigins });
  store.secret = reg.signingSecret;
  return { stack, store, client: new StoreClient(stack.api.url, reg.apiKey) };
}
