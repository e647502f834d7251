import { z } from 'zod';

/** What the benchmark's thread-hosted store and its host say to each other (see fakeStoreThread.ts). */
export const toStoreThread = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    name: z.string(),
    body: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes'),
    contentType: z.string(),
  }),
  z.object({ kind: z.literal('secret'), secret: z.string() }),
  z.object({ kind: z.literal('callbackDelay'), ms: z.number() }),
  z.object({ kind: z.literal('sync'), id: z.number() }),
]);

export const fromStoreThread = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('listening'), base: z.string() }),
  z.object({
    kind: z.literal('event'),
    event: z.object({
      eventId: z.string(),
      verified: z.boolean(),
      body: z.record(z.string(), z.unknown()).and(z.object({ event: z.string() })),
      raw: z.string(),
      signature: z.string(),
      receivedAt: z.number(),
    }),
  }),
  z.object({ kind: z.literal('hit'), name: z.string() }),
  z.object({ kind: z.literal('synced'), id: z.number() }),
]);

export type ToStoreThread = z.infer<typeof toStoreThread>;
export type FromStoreThread = z.infer<typeof fromStoreThread>;
