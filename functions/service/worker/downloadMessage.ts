import { downloadMessageSchema, type DownloadMessage } from '../../core/queueMessages.js';

export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

/** Queue bodies are input too: a malformed one fails loudly and ends in the DLQ. */
export function parseDownloadMessage(body: string): DownloadMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new PoisonMessageError('download message is not JSON');
  }
  const out = downloadMessageSchema.safeParse(json);
  if (!out.success) throw new PoisonMessageError(`download message is malformed: ${out.error.message}`);
  return out.data;
}
