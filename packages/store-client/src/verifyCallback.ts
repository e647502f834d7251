import { parseCallbackEvent } from './callbackEvent.js';
import { type SignatureCheck, type SignatureVerdict, signatureVerdict } from './signature.js';
import type { CallbackEvent } from './types.js';

export type CallbackVerdict =
  | { readonly ok: true; readonly event: CallbackEvent }
  | { readonly ok: false; readonly reason: Exclude<SignatureVerdict, 'valid'> | 'invalid_payload' };

/**
 * What a store's callback endpoint does first: checks the `Trackdrop-Signature` header over the
 * raw body, and only then reads the body as its webhook (Download or DownloadTrackComplete).
 * Answer 2xx to an `ok` one (after dropping a repeat by its `eventId`), and 4xx to any other.
 */
export function verifyCallback(check: SignatureCheck): CallbackVerdict {
  const verdict = signatureVerdict(check);
  if (verdict !== 'valid') return { ok: false, reason: verdict };
  const event = parseCallbackEvent(check.rawBody);
  return event ? { ok: true, event } : { ok: false, reason: 'invalid_payload' };
}
