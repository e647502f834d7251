import type { TrackdropSettings } from '../functions/settings.js';
import { defaultSettings } from '../functions/settings.js';
import type { Invocations, PipelineRun } from './pipelineThroughput.js';
import { perTrack } from './requestCounts.js';

/** us-east-1 list prices, on-demand, free tiers ignored; sources in bench/COST.md. */
export const prices = {
  apiGatewayHttpPerMillion: {
    usd: 1.0,
    what: 'API Gateway HTTP API, per million requests (first 300 M)',
    sources: [
      'https://aws.amazon.com/api-gateway/pricing/',
      'https://amnic.com/blogs/aws-api-gateway-pricing',
      'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html',
    ],
  },
  lambdaRequestsPerMillion: {
    usd: 0.2,
    what: 'Lambda, per million invocations',
    sources: ['https://aws.amazon.com/lambda/pricing/', 'https://cloudchipr.com/blog/aws-lambda-pricing'],
  },
  lambdaArmPerGbSecond: {
    usd: 0.0000133334,
    what: 'Lambda arm64 duration, per GB-second (first 7.5 B GB-s)',
    sources: ['https://aws.amazon.com/lambda/pricing/', 'https://cloudchipr.com/blog/aws-lambda-pricing'],
  },
  sqsStandardPerMillion: {
    usd: 0.4,
    what: 'SQS standard queue, per million requests (each 64 KB chunk of payload is one request)',
    sources: [
      'https://aws.amazon.com/sqs/pricing/',
      'https://cloudburn.io/blog/amazon-sqs-pricing',
      'https://unanswered.io/guide/aws-sqs-pricing-and-cost-optimization',
    ],
  },
  dynamodbWritePerMillion: {
    usd: 0.625,
    what: 'DynamoDB on-demand, per million write request units (after the 1 Nov 2024 cut)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing',
      'https://www.jusdb.com/blog/dynamodb-cost-optimization-a-comprehensive-guide-by-jusdb',
    ],
  },
  dynamodbReadPerMillion: {
    usd: 0.125,
    what: 'DynamoDB on-demand, per million read request units (after the 1 Nov 2024 cut)',
    sources: [
      'https://aws.amazon.com/dynamodb/pricing/on-demand/',
      'https://airbyte.com/data-engineering-resources/dynamodb-pricing',
    ],
  },
  s3Tier1PerThousand: {
    usd: 0.005,
    what: 'S3 Standard PUT, COPY, POST, LIST requests, per 1,000',
    sources: ['https://aws.amazon.com/s3/pricing/', 'https://c3x.dev/blog/s3-request-fees-explained'],
  },
  s3Tier2PerThousand: {
    usd: 0.0004,
    what: 'S3 Standard GET, HEAD and other requests, per 1,000 (DELETE and CANCEL are free)',
    sources: ['https://aws.amazon.com/s3/pricing/', 'https://c3x.dev/blog/s3-request-fees-explained'],
  },
} as const;

export interface LambdaUse {
  readonly invocations: number;
  readonly gbSeconds: number;
}

/** Everything one track costs, per track. */
export interface CostInputs {
  readonly apiGatewayRequests: number;
  readonly lambda: { readonly api: LambdaUse; readonly worker: LambdaUse; readonly completion: LambdaUse };
  /** Billed SQS requests made by trackdrop's code. */
  readonly sqsCodeRequests: number;
  /** Billed SQS requests Lambda's event source makes (receives, deletes) on the customer's bill. */
  readonly sqsEventSourceRequests: number;
  readonly dynamodbReadUnits: number;
  readonly dynamodbWriteUnits: number;
  readonly s3Tier1: number;
  readonly s3Tier2: number;
}

export interface CostLine {
  readonly item: string;
  readonly perTrack: number;
  readonly unitPriceUsd: number;
  readonly arithmetic: string;
  readonly usdPerMillionTracks: number;
}

export interface CostModel {
  readonly inputs: CostInputs;
  readonly lines: readonly CostLine[];
  readonly usdPerMillionTracks: number;
  readonly arithmetic: string;
}

const M = 1_000_000;

/** Cost per million tracks: per-track quantities × 1,000,000 × the unit price, line by line. */
export function costModel(inputs: CostInputs): CostModel {
  const l = inputs.lambda;
  const line = (item: string, perTrack: number, unitPriceUsd: number, unit: 'M' | 'k' | 'GB-s'): CostLine => {
    const per = unit === 'M' ? M : unit === 'k' ? 1000 : 1;
    const usd = (perTrack * M * unitPriceUsd) / per;
    const priceText =
      unit === 'M' ? `$${unitPriceUsd}/M` : unit === 'k' ? `$${unitPriceUsd}/1,000` : `$${unitPriceUsd}/GB-s`;
    return {
      item,
      perTrack,
      unitPriceUsd,
      arithmetic: `${fmt(perTrack)}/track × 1,000,000 × ${priceText} = $${usd.toFixed(4)}`,
      usdPerMillionTracks: usd,
    };
  };
  const lines: CostLine[] = [
    line('API Gateway HTTP API requests', inputs.apiGatewayRequests, prices.apiGatewayHttpPerMillion.usd, 'M'),
    line(
      'Lambda invocations (api + worker + completion)',
      l.api.invocations + l.worker.invocations + l.completion.invocations,
      prices.lambdaRequestsPerMillion.usd,
      'M',
    ),
    line(
      'Lambda arm64 GB-s (api + worker + completion)',
      l.api.gbSeconds + l.worker.gbSeconds + l.completion.gbSeconds,
      prices.lambdaArmPerGbSecond.usd,
      'GB-s',
    ),
    line('SQS requests, trackdrop code', inputs.sqsCodeRequests, prices.sqsStandardPerMillion.usd, 'M'),
    line(
      'SQS requests, Lambda event source (receive/delete)',
      inputs.sqsEventSourceRequests,
      prices.sqsStandardPerMillion.usd,
      'M',
    ),
    line('DynamoDB write request units', inputs.dynamodbWriteUnits, prices.dynamodbWritePerMillion.usd, 'M'),
    line('DynamoDB read request units', inputs.dynamodbReadUnits, prices.dynamodbReadPerMillion.usd, 'M'),
    line('S3 PUT/COPY/POST/LIST requests', inputs.s3Tier1, prices.s3Tier1PerThousand.usd, 'k'),
    line('S3 GET/HEAD requests', inputs.s3Tier2, prices.s3Tier2PerThousand.usd, 'k'),
  ];
  const total = lines.reduce((s, x) => s + x.usdPerMillionTracks, 0);
  return {
    inputs,
    lines,
    usdPerMillionTracks: total,
    arithmetic: `${lines.map((x) => `$${x.usdPerMillionTracks.toFixed(4)}`).join(' + ')} = $${total.toFixed(4)} per million tracks`,
  };
}

/** The per-track inputs a measured pipeline run gives, with the function memory from settings. */
export function inputsFromRun(run: PipelineRun, settings: TrackdropSettings): CostInputs {
  const code = perTrack(run.requests.code, run.tracks);
  const es = perTrack(run.requests.eventSource, run.tracks);
  const use = (inv: Invocations, memoryMb: number): LambdaUse => ({
    invocations: inv.count / run.tracks,
    gbSeconds: ((inv.billedMs / 1000) * (memoryMb / 1024)) / run.tracks,
  });
  return {
    apiGatewayRequests: run.invocations.api.count / run.tracks,
    lambda: {
      api: use(run.invocations.api, settings.functions.api.memoryMb),
      worker: use(run.invocations.worker, settings.functions.worker.memoryMb),
      completion: use(run.invocations.completion, settings.functions.completion.memoryMb),
    },
    sqsCodeRequests: code.billing.sqsRequests,
    sqsEventSourceRequests: es.billing.sqsRequests,
    dynamodbReadUnits: code.billing.dynamodbReadUnits,
    dynamodbWriteUnits: code.billing.dynamodbWriteUnits,
    s3Tier1: code.billing.s3Tier1,
    s3Tier2: code.billing.s3Tier2,
  };
}

/**
 * The baseline: a minimal design for an S3 source (bench/COST.md), taken to the batch route
 * (100 tracks per API call, so one SendMessageBatch per 10 tracks at ingest): per track one
 * conditional PutItem at ingest, one GetItem (license) + one CopyObject + one UpdateItem + a
 * tenth of a SendMessageBatch in the worker, one PutItem + one UpdateItem in the completion;
 * 512 MB functions at typical durations (60 ms per API call, 0.5 s per worker batch of 10, 0.6 s
 * per completion batch of 10); the event source's receive and delete per batch of 10.
 */
export const idealDesign = {
  requestsPerTrack: {
    'dynamodb:PutItem': 2,
    'dynamodb:GetItem': 1,
    'dynamodb:UpdateItem': 2,
    'sqs:SendMessageBatch': 0.2,
    's3:CopyObject': 1,
  } as Record<string, number>,
  eventSourceRequestsPerTrack: { 'sqs:ReceiveMessage': 0.2, 'sqs:DeleteMessageBatch': 0.2 } as Record<string, number>,
  inputs: {
    apiGatewayRequests: 0.01,
    lambda: {
      api: { invocations: 0.01, gbSeconds: 0.01 * 0.5 * 0.06 },
      worker: { invocations: 0.1, gbSeconds: 0.1 * 0.5 * 0.5 },
      completion: { invocations: 0.1, gbSeconds: 0.1 * 0.5 * 0.6 },
    },
    sqsCodeRequests: 0.2,
    sqsEventSourceRequests: 0.4,
    dynamodbReadUnits: 1,
    dynamodbWriteUnits: 4,
    s3Tier1: 1,
    s3Tier2: 0,
  } satisfies CostInputs,
  /** The same minimal design on the single-call route with an optional HEAD: about $11.1 per million tracks. */
  publishedUsdPerMillion: 11.1,
};

export const idealRequestsPerTrack = Object.values(idealDesign.requestsPerTrack).reduce((s, x) => s + x, 0);

function fmt(x: number): string {
  return x >= 0.01 || x === 0 ? x.toFixed(4) : x.toExponential(3);
}

/** us-east-1 list prices for storage and provisioned capacity; sources in bench/COST.md. */
export const storagePrices = {
  s3StandardPerGbMonth: 0.023,
  intelligentTiering: {
    frequentPerGbMonth: 0.023,
    infrequentPerGbMonth: 0.0125,
    archiveInstantPerGbMonth: 0.004,
    monitoringPerThousandObjects: 0.0025,
  },
  dynamodbProvisioned: { perWcuHour: 0.00065, perRcuHour: 0.00013 },
} as const;

export interface StorageModel {
  readonly tracks: number;
  readonly trackBytes: number;
  readonly gb: number;
  readonly standardUsdPerMonth: number;
  /** Intelligent-Tiering at a steady mix of its tiers, monitoring included. */
  readonly intelligentTiering: {
    readonly mix: { frequent: number; infrequent: number; archiveInstant: number };
    readonly usdPerMonth: number;
    readonly arithmetic: string;
  };
  /**
   * The media bucket's noncurrent versions (retention.noncurrentVersionDays): every replaced or
   * deleted file is kept that long, billed at the Standard rate (a conservative bound: a version
   * keeps its tier). `replacedPerMonth` is the share of tracks re-downloaded or deleted a month.
   */
  readonly noncurrentVersions: {
    readonly replacedPerMonth: number;
    readonly keptDays: number;
    readonly gb: number;
    readonly usdPerMonth: number;
    readonly arithmetic: string;
  };
}

/**
 * Monthly storage of `tracks` objects of `trackBytes`, in S3 Standard and in Intelligent-Tiering
 * at a steady mix: a locker's tracks are mostly cold, so by default 10 % were read in the last
 * 30 days (frequent tier), 10 % in the last 90 (infrequent), 80 % not for 90 days (archive
 * instant access). Objects are ≥ 128 KB, so each is monitored and tiered.
 */
export function storageModel(
  tracks = 1_000_000,
  trackBytes = 8_000_000,
  mix = { frequent: 0.1, infrequent: 0.1, archiveInstant: 0.8 },
  replacedPerMonth = 0.01,
  keptDays = defaultSettings.retention.noncurrentVersionDays,
): StorageModel {
  const gb = (tracks * trackBytes) / 1024 ** 3;
  const it = storagePrices.intelligentTiering;
  const tiers =
    gb *
    (mix.frequent * it.frequentPerGbMonth +
      mix.infrequent * it.infrequentPerGbMonth +
      mix.archiveInstant * it.archiveInstantPerGbMonth);
  const monitoring = (tracks / 1000) * it.monitoringPerThousandObjects;
  // At a steady rate, the versions kept at any time are those of the last `keptDays`.
  const versionsGb = gb * replacedPerMonth * (keptDays / 30);
  const versionsUsd = versionsGb * storagePrices.s3StandardPerGbMonth;
  return {
    tracks,
    trackBytes,
    gb,
    standardUsdPerMonth: gb * storagePrices.s3StandardPerGbMonth,
    intelligentTiering: {
      mix,
      usdPerMonth: tiers + monitoring,
      arithmetic:
        `${gb.toFixed(1)} GB × (${mix.frequent} × $${it.frequentPerGbMonth} + ${mix.infrequent} × $${it.infrequentPerGbMonth} + ${mix.archiveInstant} × $${it.archiveInstantPerGbMonth}) ` +
        `+ ${tracks / 1000} × $${it.monitoringPerThousandObjects} monitoring = $${(tiers + monitoring).toFixed(2)} per month`,
    },
    noncurrentVersions: {
      replacedPerMonth,
      keptDays,
      gb: versionsGb,
      usdPerMonth: versionsUsd,
      arithmetic: `${gb.toFixed(1)} GB × ${replacedPerMonth} replaced a month × ${keptDays}/30 months kept = ${versionsGb.toFixed(1)} GB × $${storagePrices.s3StandardPerGbMonth} = $${versionsUsd.toFixed(2)} per month`,
    },
  };
}

export interface CapacityModeModel {
  readonly tracksPerSecond: number;
  readonly writeUnitsPerSecond: number;
  readonly readUnitsPerSecond: number;
  readonly onDemandUsdPerMonth: number;
  /** Provisioned at the given utilisation (auto scaling keeps headroom: 70 % by default). */
  readonly provisioned: {
    readonly utilisation: number;
    readonly wcu: number;
    readonly rcu: number;
    readonly usdPerMonth: number;
  };
  readonly arithmetic: string;
}

/** DynamoDB for a steady `tracksPerSecond`, from the measured units per track, in both capacity modes. */
export function capacityModeModel(
  inputs: Pick<CostInputs, 'dynamodbReadUnits' | 'dynamodbWriteUnits'>,
  tracksPerSecond = 1000,
  utilisation = 0.7,
): CapacityModeModel {
  const hours = 730;
  const w = inputs.dynamodbWriteUnits * tracksPerSecond;
  const r = inputs.dynamodbReadUnits * tracksPerSecond;
  const perMonth = tracksPerSecond * 3600 * hours;
  const onDemand =
    (perMonth * inputs.dynamodbWriteUnits * prices.dynamodbWritePerMillion.usd +
      perMonth * inputs.dynamodbReadUnits * prices.dynamodbReadPerMillion.usd) /
    M;
  const wcu = Math.ceil(w / utilisation);
  const rcu = Math.ceil(r / utilisation);
  const p = storagePrices.dynamodbProvisioned;
  const provisioned = hours * (wcu * p.perWcuHour + rcu * p.perRcuHour);
  return {
    tracksPerSecond,
    writeUnitsPerSecond: w,
    readUnitsPerSecond: r,
    onDemandUsdPerMonth: onDemand,
    provisioned: { utilisation, wcu, rcu, usdPerMonth: provisioned },
    arithmetic:
      `on demand: ${perMonth.toExponential(3)} tracks/month × (${fmt(inputs.dynamodbWriteUnits)} WRU × $0.625/M + ${fmt(inputs.dynamodbReadUnits)} RRU × $0.125/M) = $${onDemand.toFixed(0)}; ` +
      `provisioned at ${utilisation * 100} %: (${wcu} WCU × $${p.perWcuHour} + ${rcu} RCU × $${p.perRcuHour}) × ${hours} h = $${provisioned.toFixed(0)} per month`,
  };
}
