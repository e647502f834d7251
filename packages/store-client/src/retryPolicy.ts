/** How a throttled call or batch item is sent again. */
export interface RetryPolicy {
  /** Sends in all, the first included: 1 never retries. */
  readonly maxAttempts: number;
  /** The first wait when the API names none (a batch's throttled items, a 429 without Retry-After); doubled each time. */
  readonly baseDelayMs: number;
  /** The longest wait between two sends. A Retry-After beyond it ends the retries: coming back sooner would be refused. */
  readonly maxDelayMs: number;
  /** Up to this fraction of a wait is added at random, so throttled clients do not all come back at once. */
  readonly jitter: number;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  jitter: 0.2,
  random: Math.random,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...defaultRetryPolicy, ...overrides };
}

/**
 * The milliseconds a `Retry-After` header asks for: delay-seconds, or an HTTP date. Undefined when
 * there is none, or it is neither.
 */
export function retryAfterMs(header: string | null, nowMs: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * How long to wait before send `attempt + 1`, or undefined to stop. Never sooner than the API
 * asked (jitter only adds), never longer than the cap.
 */
export function retryDelayMs(attempt: number, askedMs: number | undefined, policy: RetryPolicy): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  if (askedMs !== undefined && askedMs > policy.maxDelayMs) return undefined;
  const base = askedMs ?? policy.baseDelayMs * 2 ** (attempt - 1);
  const jittered = base * (1 + policy.jitter * policy.random());
  return Math.round(Math.min(policy.maxDelayMs, Math.max(base, jittered)));
}
