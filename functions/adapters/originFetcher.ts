import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { TrackFailure } from '../core/errors.js';
import { HR, httpStatusHResult } from '../core/hresult.js';
import { isOriginAllowed, mayConnect, parseSource } from '../core/sourceUrl.js';

export interface OriginPolicy {
  readonly allowOrigins: readonly string[];
  readonly maxRedirects: number;
  /** Wait for the headers, and the window of the body's rate check. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Slowest body accepted, over each `timeoutMs` window; a window with no byte at all is a stall. */
  readonly minBytesPerSecond?: number;
  /**
   * When the whole fetch, headers to last byte, must be done (epoch ms). `transient` when the
   * deadline is the invocation's and not the fetch's own: the next attempt has time again.
   */
  readonly deadline?: { readonly at: number; readonly transient: boolean };
}

export interface OriginResponse {
  readonly body: Readable;
  readonly contentLength?: number | undefined;
  readonly contentType?: string | undefined;
  /** The URL the bytes came from, after redirects. */
  readonly finalUrl: URL;
  /** Why the body was stopped (too slow, stalled, past the deadline), once it was. */
  failure(): TrackFailure | undefined;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * Fetches a track from a store's origin. Every hop (the first URL and each redirect) must be on
 * the store's allowlist; the address is checked when the socket connects, from the very lookup
 * the socket uses, so a name cannot resolve one way for a check and another for the connection.
 */
export async function fetchOrigin(start: URL, policy: OriginPolicy): Promise<OriginResponse> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const source = parseSource(url.href);
    if (source?.kind !== 'http' || !isOriginAllowed(source, policy.allowOrigins)) {
      throw new TrackFailure(HR.E_ACCESSDENIED, `${url.origin} is not on the store's allowlist`);
    }
    const res = await request(url, policy);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= policy.maxRedirects)
        throw new TrackFailure(httpStatusHResult(status), `more than ${policy.maxRedirects} redirects`);
      url = new URL(res.headers.location, url);
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      const transient = status >= 500 || status === 429 || status === 408;
      throw new TrackFailure(httpStatusHResult(status), `origin answered HTTP ${status}`, transient);
    }
    // No Accept-Encoding is sent: a body encoded anyway would be stored as its encoded bytes.
    const encoding = res.headers['content-encoding']?.trim().toLowerCase();
    if (encoding && encoding !== 'identity') {
      res.destroy();
      throw new TrackFailure(
        HR.E_UNSUPPORTED_ENCODING,
        `origin sent Content-Encoding: ${encoding}, which was not asked for`,
      );
    }
    const length = res.headers['content-length'] ? Number(res.headers['content-length']) : undefined;
    if (length !== undefined && length > policy.maxBytes) {
      res.destroy();
      throw new TrackFailure(
        HR.E_FILE_TOO_LARGE,
        `origin announced ${length} bytes, over the ${policy.maxBytes} limit`,
      );
    }
    return {
      body: res,
      contentLength: length,
      contentType: res.headers['content-type'],
      finalUrl: url,
      failure: () => failures.get(res),
    };
  }
}

/** Why a response was stopped by its own timers. */
const failures = new WeakMap<http.IncomingMessage, TrackFailure>();

function request(url: URL, policy: OriginPolicy): Promise<http.IncomingMessage> {
  const lib = url.protocol === 'https:' ? https : http;
  const timeoutMs = policy.timeoutMs;
  const deadline = policy.deadline;
  const tooLate = (): TrackFailure =>
    new TrackFailure(
      HR.E_TOO_SLOW,
      deadline?.transient
        ? 'the fetch ran out of the time this attempt had'
        : 'the origin did not send the whole file within the fetch deadline',
      deadline?.transient ?? false,
    );
  return new Promise((resolve, reject) => {
    if (deadline && deadline.at <= Date.now()) {
      reject(tooLate());
      return;
    }
    const req = lib.get(url, {
      agent: url.protocol === 'https:' ? agents.https : agents.http,
      lookup: guardedLookup(url.hostname),
      headers: { 'user-agent': 'trackdrop/1', accept: '*/*' },
      timeout: timeoutMs,
    });
    let stop: ((failure: TrackFailure) => void) | undefined = (failure) => req.destroy(failure);
    let response: http.IncomingMessage | undefined;
    const deadlineTimer = deadline ? setTimeout(() => stop?.(tooLate()), deadline.at - Date.now()) : undefined;
    req.on('response', (res) => {
      response = res;
      stop = (failure) => {
        failures.set(res, failure);
        res.destroy(failure);
      };
      const rateTimer = watchRate(res, timeoutMs, policy.minBytesPerSecond ?? 0, (f) => stop?.(f));
      res.once('close', () => {
        clearTimeout(deadlineTimer);
        clearInterval(rateTimer);
        stop = undefined;
      });
      resolve(res);
    });
    req.on('timeout', () => {
      // The socket is idle: before the headers, the origin is late; once a body began, the rate
      // check judges it; once the whole body is in, waiting on trackdrop's own side is no fault.
      if (!response) req.destroy(new TrackFailure(HR.E_TIMEOUT, `origin did not answer within ${timeoutMs} ms`, true));
    });
    req.on('error', (err) => {
      clearTimeout(deadlineTimer);
      reject(err instanceof TrackFailure ? err : unreachable(err));
    });
  });
}

/**
 * Checks the body's pace once per window: no byte at all is a stalled origin (retried); fewer
 * than `minBytesPerSecond` a second is one too slow to wait for (an origin that drips a byte
 * now and then would otherwise hold a worker for as long as it likes). Counted on the socket,
 * without touching the stream's flow; a window in which the reader held the body back is not
 * the origin's fault and is not judged.
 */
function watchRate(
  res: http.IncomingMessage,
  windowMs: number,
  minBytesPerSecond: number,
  fail: (f: TrackFailure) => void,
): NodeJS.Timeout {
  const socket = res.socket;
  let seen = socket.bytesRead;
  const timer = setInterval(() => {
    const got = socket.bytesRead - seen;
    seen = socket.bytesRead;
    // Done, or held back by trackdrop's own side (the upload is slower than the origin): no judgement.
    if (res.complete || res.readableLength >= res.readableHighWaterMark) return;
    if (got === 0) fail(new TrackFailure(HR.E_TIMEOUT, `origin body stalled for ${windowMs} ms`, true));
    else if (got < (minBytesPerSecond * windowMs) / 1000) {
      fail(
        new TrackFailure(
          HR.E_TOO_SLOW,
          `origin sent ${got} bytes in ${windowMs} ms, under the minimum of ${minBytesPerSecond} bytes/s`,
        ),
      );
    }
  }, windowMs);
  timer.unref();
  return timer;
}

function unreachable(err: Error): TrackFailure {
  return new TrackFailure(HR.E_ORIGIN_UNREACHABLE, `origin unreachable: ${err.message}`, true);
}

/** A DNS lookup that refuses addresses the policy forbids; the socket connects to what it returns. */
function guardedLookup(host: string): LookupFunction {
  return (hostname, options, callback) => {
    const literal = hostname.replace(/^\[|\]$/g, '');
    const done = (addresses: LookupAddress[]): void => {
      const allowed = addresses.filter((a) => mayConnect(host, a.address));
      const first = allowed[0];
      if (first === undefined) {
        callback(
          new TrackFailure(
            HR.E_ACCESSDENIED,
            `${hostname} resolves to a private address`,
          ) as unknown as NodeJS.ErrnoException,
          '',
          4,
        );
        return;
      }
      if (options.all) callback(null, allowed);
      else callback(null, first.address, first.family);
    };
    if (isIP(literal)) return done([{ address: literal, family: isIP(literal) }]);
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err) callback(err, '', 4);
      else done(addresses);
    });
  };
}
