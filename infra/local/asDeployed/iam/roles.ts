import type { Statement } from './policy.js';

/**
 * AWS managed policies the template attaches by ARN. Their documents live in AWS, not in the
 * template; only those trackdrop attaches are listed, and an unknown one fails the start.
 */
export const managedPolicies: Readonly<Record<string, readonly Statement[]>> = {
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole': [
    { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
  ],
};

/** The operator running the CLI: an administrator of the account (AdministratorAccess). */
export const operatorPolicy: readonly Statement[] = [{ Effect: 'Allow', Action: '*', Resource: '*' }];
