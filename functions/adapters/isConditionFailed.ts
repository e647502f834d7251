/** True for DynamoDB's ConditionalCheckFailedException: the guard of a conditional write held. */
export function isConditionFailed(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}
