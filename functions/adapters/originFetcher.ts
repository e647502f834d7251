import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { HR, httpStatusHResult } from '../core/hresult.js';
import { TrackFailure } from '../core/errors.js';
import { isOriginAllowed, mayConnect, parseSource } from '../core/sourceUrl.js';

export interface OriginPolicy {
  readonly allowOrigins: readonly string[];
  readonly maxRedirects: number;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

export interface OriginResponse {
  readonly body: Readable;
  readonly contentLength?: number | undefined;
  readonly contentType?: string | undefined;
  /** The URL the bytes came from, after redirects. */
  readonly finalUrl: URL;
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
    const res = await request(url, policy.timeoutMs);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location) {
      res.resume();
      if (hop >= policy.maxRedirects) throw new TrackFailure(httpStatusHResult(status), `more than ${policy.maxRedirects} redirects`);
      url = new URL(res.headers.location, url);
      continue;
    }
    if (status < 200 || status >= 300) {
      res.resume();
      const transient = status >= 500 || status === 429 || status === 408;
      throw new TrackFailure(httpStatusHResult(status), `origin answered HTTP ${status}`, transient);
    }
    const length = res.headers['content-length'] ? Number(res.headers['content-length']) : undefined;
    if (length !== undefined && length > policy.maxBytes) {
      res.destroy();
      throw new TrackFailure(HR.E_FILE_TOO_LARGE, `origin announced ${length} bytes, over the ${policy.maxBytes} limit`);
    }
    return { body: res, contentLength: length, contentType: res.headers['content-type'], finalUrl: url };
  }
}

function request(url: URL, timeoutMs: number): Promise<http.IncomingMessage> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(url, {
      agent: url.protocol === 'https:' ? agents.https : agents.http,
      lookup: guardedLookup(url.hostname),
      headers: { 'user-agent': 'trackdrop/1', accept: '*/*' },
      timeout: timeoutMs,
    });
    req.on('response', (res) => {
      // An idle body is a stalled origin: fail it rather than hold the worker.
      res.setTimeout(timeoutMs, () => res.destroy(new TrackFailure(HR.E_TIMEOUT, `origin body stalled for ${timeoutMs} ms`, true)));
      resolve(res);
    });
    req.on('timeout', () => req.destroy(new TrackFailure(HR.E_TIMEOUT, `origin did not answer within ${timeoutMs} ms`, true)));
    req.on('error', (err) => reject(err instanceof TrackFailure ? err : unreachable(err)));
  });
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
      if (allowed.length === 0) {
        callback(new TrackFailure(HR.E_ACCESSDENIED, `${hostname} resolves to a private address`) as unknown as NodeJS.ErrnoException, '', 4);
        return;
      }
      if (options.all) callback(null, allowed);
      else callback(null, allowed[0]!.address, allowed[0]!.family);
    };
    if (isIP(literal)) return done([{ address: literal, family: isIP(literal) }]);
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err) callback(err, '', 4);
      else done(addresses);
    });
  };
}
