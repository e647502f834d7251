import type { CallbackEvent, Container, DownloadEvent, DownloadTrackCompleteEvent } from './types.js';

type Json = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isUint32 = (v: unknown): v is number => Number.isInteger(v) && typeof v === 'number' && v >= 0 && v <= 0xffffffff;
const optional = <T>(v: unknown, is: (v: unknown) => v is T): boolean => v === undefined || is(v);
const transactionTypes: readonly unknown[] = ['none', 'download', 'buy'];

function isContainer(v: unknown): v is Container {
  return (
    isObject(v) &&
    (isString(v.id) || typeof v.id === 'number') &&
    optional(v.type, isString) &&
    optional(v.price, isString) &&
    Array.isArray(v.contentIds) &&
    v.contentIds.every(isUint32)
  );
}

/** The Download webhook: every field the document requires, each of its type. */
function isDownloadEvent(v: Json): v is DownloadEvent {
  return (
    v.event === 'Download' &&
    isString(v.eventId) &&
    isString(v.cookie) &&
    isString(v.userId) &&
    transactionTypes.includes(v.transactionType) &&
    Array.isArray(v.containers) &&
    v.containers.every(isContainer) &&
    isString(v.createdAt)
  );
}

/** The item of a stored track: its key, size and hash (its tags are as the file gave them). */
function isItem(v: unknown): v is NonNullable<DownloadTrackCompleteEvent['item']> {
  return (
    isObject(v) && isString(v.key) && typeof v.bytes === 'number' && isString(v.sha256) && optional(v.itemId, isString)
  );
}

/** The DownloadTrackComplete webhook: every field the document requires, each of its type. */
function isDownloadTrackCompleteEvent(v: Json): v is DownloadTrackCompleteEvent {
  return (
    v.event === 'DownloadTrackComplete' &&
    isString(v.eventId) &&
    isString(v.cookie) &&
    isString(v.userId) &&
    isUint32(v.serviceTrackId) &&
    isString(v.hrResult) &&
    isString(v.downloadParams) &&
    optional(v.item, isItem) &&
    optional(v.reason, isString)
  );
}

/**
 * A callback's body as the webhook it is, or undefined for a body that is not one (not JSON, an
 * unknown event, a field missing or of another type). Fields the document does not name yet
 * are kept: a newer trackdrop may add some.
 */
export function parseCallbackEvent(rawBody: string | Uint8Array): CallbackEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody));
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if (isDownloadEvent(value) || isDownloadTrackCompleteEvent(value)) return value;
  return undefined;
}
