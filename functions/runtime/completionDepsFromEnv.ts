import { KMSClient } from '@aws-sdk/client-kms';
import { clientConfig } from '../adapters/aws/clientConfig.js';
import { createDynamoClients } from '../adapters/aws/dynamoClients.js';
import { createSqsClient } from '../adapters/aws/sqsClient.js';
import { CallbackSender } from '../adapters/callbackSender.js';
import { QueueSender } from '../adapters/queues.js';
import { createSecretBox } from '../adapters/secrets/createSecretBox.js';
import { messageTenant, type OutgoingCompletion } from '../core/queueMessages.js';
import { queues, tables } from '../resources.js';
import { SlowStores } from '../service/completion/slowLane.js';
import type { CompletionDeps } from '../service/deps.js';
import { commonDeps } from './commonDeps.js';
import { readFunctionEnv } from './functionEnv.js';
import { type BuildOptions, noInstrument } from './instrument.js';

/**
 * The completion function's dependencies, from its environment. It alone opens stores' signing
 * secrets: with KMS on AWS (`TRACKDROP_SECRETS_KEY_ID`), with a local key elsewhere.
 */
export function completionDepsFromEnv(env: NodeJS.ProcessEnv, opts: BuildOptions = {}): CompletionDeps {
  const vars = readFunctionEnv(env, 'completion');
  const instrument = opts.instrument ?? noInstrument;
  const { ddb, dynamodb } = createDynamoClients(env);
  instrument(dynamodb);
  const sqs = instrument(createSqsClient(env));
  const secretBox = createSecretBox(env, () => instrument(new KMSClient(clientConfig('kms', env))));
  const names = {
    stores: vars[tables.stores.env],
    downloads: vars[tables.downloads.env],
    library: vars[tables.library.env],
  };
  const common = commonDeps(env, 'completion', {
    ddb,
    sqs,
    tables: names,
    completionsQueueUrl: vars[queues.completions.env],
    secretBox,
  });
  return {
    ...common,
    callbacks: new CallbackSender(common.settings.callbacks.timeoutSeconds * 1000),
    slowLane: new QueueSender<OutgoingCompletion>(sqs, vars[queues.slowCallbacks.env], messageTenant),
    slowStores: new SlowStores(common.settings.callbacks.slowLaneSeconds * 1000, common.settings.callbacks.slowStreak),
  };
}
