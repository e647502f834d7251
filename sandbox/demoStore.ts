import type { StoresRepo } from '../functions/adapters/storesRepo.js';
import { issueApiKey } from '../functions/service/admin/issueApiKey.js';
import { registerStore } from '../functions/service/admin/registerStore.js';
import { rotateSigningSecret } from '../functions/service/admin/rotateSigningSecret.js';
import { type FakeStore, startFakeStore } from '../testkit/fakeStore.js';
import type { SandboxState } from '../tooling/sandboxState.js';
import { type DemoTrack, demoCatalog } from './demoCatalog.js';

export const DEMO_STORE_ID = 'demo-store';

export interface DemoStore {
  readonly server: FakeStore;
  readonly credentials: NonNullable<SandboxState['demoStore']>;
  readonly catalog: DemoTrack[];
}

/** The demo store's origin and callback endpoint, serving the demo catalogue; not yet registered. */
export interface DemoOrigin {
  readonly server: FakeStore;
  readonly catalog: DemoTrack[];
}

/**
 * Opens the demo store's origin. The sandbox does this before its functions start: after a
 * restart the queue already holds the killed run's tracks, and a worker that found the origin
 * closed would put each one off for its retry wait (minutes), not fetch it.
 */
export async function openDemoOrigin(port: number): Promise<DemoOrigin> {
  const server = await startFakeStore({ port });
  const catalog = demoCatalog();
  for (const t of catalog) server.addFile(t.file, t.body, t.contentType);
  return { server, catalog };
}

/**
 * The sandbox's own store: an origin with the demo catalogue and a callback endpoint that
 * verifies signatures and logs each event. Registered once; a restart reuses its credentials.
 */
export async function registerDemoStore(
  stores: StoresRepo,
  { server, catalog }: DemoOrigin,
  saved: SandboxState['demoStore'],
  log: (line: string) => void,
): Promise<DemoStore> {
  let credentials: DemoStore['credentials'];
  const existing = await stores.get(DEMO_STORE_ID);
  if (!existing) {
    const reg = await registerStore(stores, {
      storeId: DEMO_STORE_ID,
      name: 'Demo Store',
      callbackUrl: server.callbackUrl,
      allowOrigins: [server.originUrl],
    });
    credentials = { ...reg, originUrl: server.originUrl };
  } else if (!saved || saved.originUrl !== server.originUrl) {
    // Registered before, but its key is lost (or its port moved): issue a new key and secret.
    const apiKey = await issueApiKey(stores, DEMO_STORE_ID);
    const rotated = await rotateSigningSecret(stores, DEMO_STORE_ID);
    if (!rotated) throw new Error(`the ${DEMO_STORE_ID} store vanished while the sandbox started`);
    credentials = { storeId: DEMO_STORE_ID, apiKey, signingSecret: rotated.signingSecret, originUrl: server.originUrl };
  } else {
    credentials = saved;
  }
  server.secret = credentials.signingSecret;
  const seen = server.events.length;
  let logged = seen;
  const timer = setInterval(() => {
    const fresh = server.events.slice(logged);
    logged = server.events.length;
    for (const e of fresh) {
      const what =
        e.body.event === 'Download'
          ? `session ${String(e.body.cookie)} opened`
          : e.body.event === 'UserErased'
            ? `user ${String(e.body.userId)} erased: delete what the store keeps of them`
            : `track ${String(e.body.serviceTrackId)} → ${String(e.body.hrResult)}`;
      log(`demo store ← ${e.body.event} ${what} (signature ${e.verified ? 'verified' : 'INVALID'})`);
    }
  }, 250);
  timer.unref();
  return { server, credentials, catalog };
}
