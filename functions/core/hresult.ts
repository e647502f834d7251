/**
 * HRESULTs: 32-bit status codes whose top bit marks failure. Stores may send them as int32
 * numbers (negative for failures), unsigned numbers, or `"0x…"` hex strings; trackdrop always
 * answers with 8-digit hex strings.
 */
export type HResult = number & { readonly __brand: 'HResult' };

/**
 * Normalises an accepted form to an unsigned 32-bit value, or undefined when it is none. Exactly
 * three forms: an int32 number, an unsigned 32-bit number, or a `"0x…"` string of 1–8 hex digits.
 * Any other string ("80004005", "-2147467259", " 0x1") is refused: read as decimal, hex without its
 * `0x` turns a failure code into a success, so no guess is made.
 */
export function parseHResult(input: unknown): HResult | undefined {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < -0x8000_0000 || input > 0xffff_ffff) return undefined;
    return (input >>> 0) as HResult;
  }
  if (typeof input === 'string') {
    const hex = /^0[xX]([0-9a-fA-F]{1,8})$/.exec(input);
    if (hex?.[1]) return (Number.parseInt(hex[1], 16) >>> 0) as HResult;
  }
  return undefined;
}

export function hresult(value: number): HResult {
  return (value >>> 0) as HResult;
}

export function formatHResult(hr: HResult): string {
  return `0x${hr.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** As a signed int32, the way COM code prints it. */
export function toInt32(hr: HResult): number {
  return hr | 0;
}

export function succeeded(hr: HResult): boolean {
  return (hr & 0x8000_0000) === 0;
}

export function failed(hr: HResult): boolean {
  return !succeeded(hr);
}

/** Codes trackdrop sends or must recognise. The fetch failures are trackdrop's own choice. */
export const HR = {
  S_OK: hresult(0x0000_0000),
  /** Already in the library and the store does not ask for a re-download. */
  S_FALSE: hresult(0x0000_0001),
  E_FAIL: hresult(0x8000_4005),
  E_ABORT: hresult(0x8000_4004),
  E_INVALIDARG: hresult(0x8007_0057),
  E_ACCESSDENIED: hresult(0x8007_0005),
  NS_E_DRM_LICENSE_NOTACQUIRED: hresult(0xc00d_2759),
  /** The origin took too long (HRESULT_FROM_WIN32(ERROR_TIMEOUT)). */
  E_TIMEOUT: hresult(0x8007_05b4),
  /** The source is larger than the limit (HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE)). */
  E_FILE_TOO_LARGE: hresult(0x8007_00df),
  /** The bytes do not match the SHA-256 the store sent (CRYPT_E_HASH_VALUE). */
  E_HASH_MISMATCH: hresult(0x8009_1007),
  /** The origin could not be reached: DNS, refused connection, reset (INET_E_RESOURCE_NOT_FOUND). */
  E_ORIGIN_UNREACHABLE: hresult(0x800c_0005),
  /** The origin's body ended early (INET_E_DOWNLOAD_FAILURE). */
  E_DOWNLOAD_FAILURE: hresult(0x800c_0008),
  /** The file is empty: zero bytes (HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)). */
  E_EMPTY_FILE: hresult(0x8007_0026),
  /** The bytes are not a recognisable audio container (HRESULT_FROM_WIN32(ERROR_BAD_FORMAT)). */
  E_NOT_AUDIO: hresult(0x8007_000b),
  /** The origin sent a Content-Encoding trackdrop did not ask for (HRESULT_FROM_WIN32(ERROR_UNSUPPORTED_TYPE)). */
  E_UNSUPPORTED_ENCODING: hresult(0x8007_065e),
  /** The file's tags could not be read: the parser did not end by its deadline (HRESULT_FROM_WIN32(ERROR_FILE_CORRUPT)). */
  E_TAGS_UNREADABLE: hresult(0x8007_0570),
  /** The origin sent too slowly: under the minimum rate, or past the fetch deadline (INET_E_CONNECTION_TIMEOUT). */
  E_TOO_SLOW: hresult(0x800c_000b),
} as const;

/** An origin's HTTP error status as HRESULT: HTTP_E_STATUS_* = 0x80190000 + status. */
export function httpStatusHResult(status: number): HResult {
  return hresult(0x8019_0000 + (status & 0xffff));
}
