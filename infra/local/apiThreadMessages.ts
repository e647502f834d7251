import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';

/** What an HTTP function's thread is started with: which function, its environment and its settings. */
export const apiThreadData = z.object({
  kind: z.enum(['api', 'listener']),
  env: z.record(z.string(), z.string()),
  functionName: z.string(),
  fn: z.object({ memoryMb: z.number(), timeoutSeconds: z.number() }),
});

/** One invocation: the event as API Gateway would pass it. */
export const apiThreadCall = z.object({
  id: z.number(),
  event: z.custom<APIGatewayProxyEventV2>(
    (v) => typeof v === 'object' && v !== null && 'routeKey' in v && 'rawPath' in v,
    'an HTTP API event',
  ),
});

/** Its answer, or why the handler threw (as Lambda answers a failed invocation: a 500). */
export const apiThreadReply = z.object({
  id: z.number(),
  result: z
    .object({
      statusCode: z.number().optional(),
      headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      body: z.string().optional(),
      isBase64Encoded: z.boolean().optional(),
      cookies: z.array(z.string()).optional(),
    })
    .optional(),
  error: z.string().optional(),
  /** How long the handler ran in its thread: the function's own duration, as Lambda bills it. */
  ms: z.number(),
});

export type ApiThreadCall = z.infer<typeof apiThreadCall>;
export type ApiThreadReply = z.infer<typeof apiThreadReply>;
