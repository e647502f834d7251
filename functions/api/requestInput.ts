import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { ApiError } from '../core/errors.js';
import { HR } from '../core/hresult.js';
import { describeIssues } from '../core/schemas.js';

/** Parses one part of a request with its schema; a failure is a 400 that names the field. */
export function parse<S extends z.ZodMiniType>(schema: S, value: unknown, where?: string): z.output<S> {
  const out = schema.safeParse(value);
  if (out.success) return out.data;
  const message = describeIssues(out.error);
  throw new ApiError(
    400,
    'invalid_request',
    where && message.startsWith('body:') ? message.replace(/^body/, where) : message,
    HR.E_INVALIDARG,
  );
}

/** A request header by name, whatever its case. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name] ?? Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** A request's JSON body, at most `maxBytes`; `optional` lets an empty body stand for `{}`. */
export function jsonBody(event: APIGatewayProxyEventV2, maxBytes: number, optional = false): unknown {
  const raw =
    event.body === undefined || event.body === null
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  if (Buffer.byteLength(raw, 'utf8') > maxBytes) {
    throw new ApiError(413, 'body_too_large', `request body is over ${maxBytes} bytes`, HR.E_INVALIDARG);
  }
  if (raw.trim() === '') {
    if (optional) return {};
    throw new ApiError(400, 'invalid_json', 'request body must be a JSON object', HR.E_INVALIDARG);
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ApiError(400, 'invalid_json', 'request body is not valid JSON', HR.E_INVALIDARG);
  }
}
