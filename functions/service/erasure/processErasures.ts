import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { eraseMessageSchema } from '../../core/queueMessages.js';
import type { EraserDeps } from '../deps.js';
import { parseRecords, poisonError } from '../queueRecords.js';
import { eraseStep } from './eraseStep.js';

/** A batch from the erasures queue (one step a record, as a rule): a step that fails comes back alone. */
export async function processErasures(deps: EraserDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const messages = parseRecords(deps.logger, 'erasures', event.Records, eraseMessageSchema);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const msg = messages.get(record.messageId);
      if (!msg) throw poisonError('erasures');
      await eraseStep(deps, msg, record.messageId);
    } catch (err) {
      deps.logger.error('erasure step failed; it returns to its queue', { error: err as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  deps.telemetry.flush();
  return { batchItemFailures };
}
