/** A call the store API refused: its status, and the error body's code, message and request id. */
export class StoreApiError extends Error {
  override readonly name = 'StoreApiError';
  /** The error's code (`throttled`, `session_not_found`…); undefined for a body that is not trackdrop's. */
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  /** The seconds a 429's Retry-After asked for, when it named some. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly status: number,
    /** The answer's body as it came (parsed JSON, text, or undefined when empty). */
    readonly body: unknown,
    headers: Headers,
  ) {
    const error = member(body, 'error');
    const code = text(error, 'code');
    const message = text(error, 'message') ?? text(body, 'message');
    super(`HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`);
    this.code = code;
    this.requestId = text(error, 'requestId');
    const retryAfter = Number(headers.get('retry-after') ?? Number.NaN);
    this.retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined;
  }
}

/** A field of a JSON object, if the value is one. */
function member(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value ? Reflect.get(value, name) : undefined;
}

/** A string field of a JSON object, if it is one. */
function text(value: unknown, name: string): string | undefined {
  const found = member(value, name);
  return typeof found === 'string' ? found : undefined;
}
