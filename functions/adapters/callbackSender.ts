import { signPayload } from '../core/signature.js';

export interface CallbackResult {
  readonly ok: boolean;
  readonly status: number;
  readonly error?: string | undefined;
}

/**
 * POSTs a signed event to a store's callback URL. Any 2xx is an acknowledgement; anything else,
 * including a timeout, is a failure the caller retries later with the same body and event id.
 */
export class CallbackSender {
  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async send(url: string, secrets: readonly string[], eventId: string, payload: unknown): Promise<CallbackResult> {
    const body = JSON.stringify(payload);
    const t = Math.floor(this.now() / 1000);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'trackdrop/1',
          'trackdrop-event-id': eventId,
          'trackdrop-signature': signPayload(secrets, body, t),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return { ok: res.status >= 200 && res.status < 300, status: res.status };
    } catch (err) {
      return { ok: false, status: 0, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
