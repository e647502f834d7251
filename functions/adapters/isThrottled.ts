/**
 * True for DynamoDB's answers that mean "too much at once, retry later": a partition or table
 * over its throughput, or the account's request limit. The SDK retries these a few times
 * itself; what still fails is worth retrying by the caller, not a 500.
 */
export function isThrottled(err: unknown): boolean {
  return (
    err instanceof Error &&
    [
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
      'LimitExceededException',
    ].includes(err.name)
  );
}
