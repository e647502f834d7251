import { randomUUID } from 'node:crypto';

type Handler = (args: { input?: unknown }) => Promise<unknown>;
interface StackLike {
  add(
    mw: (next: Handler, context: { commandName?: string }) => Handler,
    opts: { step: 'initialize'; name: string; priority?: 'high' },
  ): void;
  remove(name: string): boolean;
}

/**
 * Holds an SDK client's requests where `gate` returns a promise, until it settles: lets a test
 * interleave two invocations exactly (e.g. one's delete after another's copy). Returns a
 * function that removes the middleware.
 */
export function holdRequests(
  client: { middlewareStack: unknown },
  gate: (command: string, input: Record<string, unknown>) => Promise<unknown> | undefined,
  /** Called once a request has been answered (or has failed). */
  done?: (command: string, input: Record<string, unknown>) => void,
): () => void {
  const stack = client.middlewareStack as StackLike;
  const name = `hold-${randomUUID()}`;
  stack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const input = (args.input ?? {}) as Record<string, unknown>;
      await gate(command, input);
      try {
        return await next(args);
      } finally {
        done?.(command, input);
      }
    },
    { step: 'initialize', name, priority: 'high' },
  );
  return () => void stack.remove(name);
}

/** A promise with its resolve function. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
