import type { Units } from './billedUnits.js';
import type { Service, Tallies } from './requestCounter.js';

/** Requests per track (or per call), by service and by operation. */
export interface PerTrack {
  /** Requests made, all services. */
  readonly total: number;
  readonly byService: Record<Service, number>;
  /** `service:Operation` → requests per track. */
  readonly byOperation: Record<string, number>;
  /** What AWS bills: SQS per 64 KiB chunk, S3 by tier, DynamoDB by capacity unit. */
  readonly billing: {
    readonly sqsRequests: number;
    readonly s3Tier1: number;
    readonly s3Tier2: number;
    readonly s3Free: number;
    readonly dynamodbReadUnits: number;
    readonly dynamodbWriteUnits: number;
    /** `table:Operation` (table as functions/resources.ts names it) → DynamoDB units per track. */
    readonly dynamodbUnits: Record<string, Units>;
  };
  /** HTTP attempts beyond the calls (SDK retries), per track. */
  readonly retries: number;
}

/** S3's request classes: PUT, COPY, POST and LIST at one price; GET, HEAD and the rest at another; DELETE and CANCEL free. */
const S3_TIER1 = new Set([
  'PutObject',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
  'ListObjects',
  'ListObjectsV2',
  'ListParts',
  'ListMultipartUploads',
  'ListBuckets',
  'CreateBucket',
]);
const S3_FREE = new Set(['DeleteObject', 'DeleteObjects', 'AbortMultipartUpload']);

export function s3Tier(op: string): 'tier1' | 'tier2' | 'free' {
  return S3_TIER1.has(op) ? 'tier1' : S3_FREE.has(op) ? 'free' : 'tier2';
}

export function perTrack(tallies: Tallies, tracks: number): PerTrack {
  const div = (x: number) => (tracks > 0 ? x / tracks : 0);
  const byService: Record<Service, number> = { dynamodb: 0, sqs: 0, s3: 0 };
  const byOperation: Record<string, number> = {};
  let total = 0;
  let retries = 0;
  const billing = { sqsRequests: 0, s3Tier1: 0, s3Tier2: 0, s3Free: 0, dynamodbReadUnits: 0, dynamodbWriteUnits: 0 };
  const dynamodbUnits: Record<string, Units> = {};
  for (const [key, t] of Object.entries(tallies).sort(([a], [b]) => a.localeCompare(b))) {
    const [service, op = ''] = key.split(':') as [Service, string];
    byService[service] += t.calls;
    byOperation[key] = div(t.calls);
    total += t.calls;
    retries += t.attempts - t.calls;
    if (service === 'sqs') billing.sqsRequests += t.billed;
    if (service === 's3') {
      const tier = s3Tier(op);
      if (tier === 'tier1') billing.s3Tier1 += t.calls;
      else if (tier === 'tier2') billing.s3Tier2 += t.calls;
      else billing.s3Free += t.calls;
    }
    billing.dynamodbReadUnits += t.readUnits;
    billing.dynamodbWriteUnits += t.writeUnits;
    for (const [table, u] of Object.entries(t.unitsByTable ?? {}))
      dynamodbUnits[`${table}:${op}`] = { read: div(u.read), write: div(u.write) };
  }
  return {
    total: div(total),
    byService: { dynamodb: div(byService.dynamodb), sqs: div(byService.sqs), s3: div(byService.s3) },
    byOperation,
    billing: {
      sqsRequests: div(billing.sqsRequests),
      s3Tier1: div(billing.s3Tier1),
      s3Tier2: div(billing.s3Tier2),
      s3Free: div(billing.s3Free),
      dynamodbReadUnits: div(billing.dynamodbReadUnits),
      dynamodbWriteUnits: div(billing.dynamodbWriteUnits),
      dynamodbUnits,
    },
    retries: div(retries),
  };
}

/** One pipeline run's requests: per track for trackdrop's code and for the event source, and per session. */
export interface RunRequests {
  readonly tracks: number;
  readonly code: PerTrack;
  /** SQS requests Lambda's event source would make (the pollers' receives and deletes). */
  readonly eventSource: PerTrack;
  /** Opening one session and sending its Download event, not divided by tracks. */
  readonly perSession: { readonly code: Record<string, number>; readonly eventSource: Record<string, number> };
}

export function runRequests(run: {
  tracks: number;
  requests: { code: Tallies; eventSource: Tallies };
  session: { code: Tallies; eventSource: Tallies };
}): RunRequests {
  return {
    tracks: run.tracks,
    code: perTrack(run.requests.code, run.tracks),
    eventSource: perTrack(run.requests.eventSource, run.tracks),
    perSession: {
      code: perTrack(run.session.code, 1).byOperation,
      eventSource: perTrack(run.session.eventSource, 1).byOperation,
    },
  };
}
