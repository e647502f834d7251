import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/**
 * What Powertools' `injectLambdaContext` does, without a middleware engine: every log line of
 * the invocation carries the request id, the function's name, version, memory and whether this
 * was the container's cold start. Keys a handler appended for one invocation are dropped after it.
 */
export function withLambdaContext<E, R>(
  logger: Logger,
  fn: (event: E, context?: Context) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    try {
      return await fn(event, context);
    } finally {
      logger.resetKeys();
    }
  };
}
