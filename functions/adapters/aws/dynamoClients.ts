import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ClientOptions, clientConfig } from './clientConfig.js';

export function createDynamoClients(env: NodeJS.ProcessEnv, opts: ClientOptions = {}) {
  const dynamodb = new DynamoDBClient(clientConfig('dynamodb', env, opts));
  const ddb = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  return { dynamodb, ddb };
}
