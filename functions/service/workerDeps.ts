import { MediaStore } from '../adapters/mediaStore.js';
import { fetchOrigin } from '../adapters/originFetcher.js';
import { readObjectFacts } from '../adapters/tagReader.js';
import { fetchTrackFacts } from '../adapters/trackFacts.js';
import { buildCommonDeps } from './commonDeps.js';
import type { WorkerDeps, WorkerDepsInput } from './deps.js';

export function buildWorkerDeps(i: WorkerDepsInput): WorkerDeps {
  return {
    ...buildCommonDeps(i),
    media: new MediaStore(i.s3, i.names.bucket),
    objectFacts: (bucket, key) =>
      readObjectFacts(i.s3, bucket, key, (err) => i.logger.warn('could not read tags', { bucket, key, error: err as Error })),
    trackFacts: (refs) => fetchTrackFacts(i.ddb, i.names.tables, refs),
    fetchOrigin,
  };
}
