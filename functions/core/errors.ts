import { formatHResult, type HResult } from './hresult.js';

/** An answer to a bad request: the status, a stable machine code, and a message for people. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hresult?: HResult,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string; hresult?: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.hresult === undefined ? {} : { hresult: formatHResult(this.hresult) }),
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/**
 * A track that cannot be downloaded, with the HRESULT the store is told. Permanent failures end
 * the track at once; transient ones are retried through the queue first.
 */
export class TrackFailure extends Error {
  override readonly name = 'TrackFailure';
  constructor(
    readonly hresult: HResult,
    message: string,
    readonly transient = false,
  ) {
    super(message);
  }
}
