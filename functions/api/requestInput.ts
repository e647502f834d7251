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
