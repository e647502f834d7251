import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionSettings } from '../../functions/settings.js';
import { localRegion } from './emulators.js';

/** The context Lambda hands an invocation, built for a local one: a fresh request id, the function's memory and deadline. */
export function localContext(functionName: string, fn: FunctionSettings): Context {
  const deadline = Date.now() + fn.timeoutSeconds * 1000;
  const unused = () => {
    throw new Error('the callback style is not used by trackdrop');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${localRegion}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unused,
    fail: unused,
    succeed: unused,
  };
}
