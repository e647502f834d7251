import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ApiError } from '../../core/errors.js';
import { HR } from '../../core/hresult.js';
import { userIdSchema } from '../../core/schemas.js';

export type ListenerEvent = APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer;

/**
 * The user a listener's request is for: the configured claim of the token API Gateway's JWT
 * authorizer has already verified, held to the same rules as a store's `userId`. A request that
 * reached the function without verified claims (a misconfigured route) is refused, never trusted.
 */
export function listenerUserId(event: ListenerEvent, claim: string): string {
  const ctx = event.requestContext;
  const claims = 'authorizer' in ctx ? ctx.authorizer?.jwt?.claims : undefined;
  if (!claims) throw new ApiError(401, 'unauthenticated', 'this route needs a listener token', HR.E_ACCESSDENIED);
  const value = claims[claim];
  const out = userIdSchema.safeParse(value);
  if (!out.success) {
    throw new ApiError(
      403,
      'invalid_user_claim',
      `the token's "${claim}" claim is not a valid userId`,
      HR.E_ACCESSDENIED,
    );
  }
  return out.data;
}
