import { type RetryPolicy, retryAfterMs, retryDelayMs } from './retryPolicy.js';

/**
 * Sends a call again while the API answers 429, waiting as its `Retry-After` says (plus jitter,
 * within the policy's cap), up to the policy's attempts. The last answer is returned as it came,
 * a 429 included; a throttled call was not taken, so sending it again is always safe.
 */
export async function withRetry<Answer extends { readonly response: Response }>(
  send: () => Promise<Answer>,
  policy: RetryPolicy,
): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await send();
    if (answer.response.status !== 429) return answer;
    const wait = retryDelayMs(attempt, retryAfterMs(answer.response.headers.get('retry-after')), policy);
    if (wait === undefined) return answer;
    await policy.sleep(wait);
  }
}
