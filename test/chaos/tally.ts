import type { Audit } from './audit.js';
import type { HostileKind } from './plan.js';

export interface TallyRow {
  readonly figure: string;
  readonly value: number | string;
  /** `must be 0: ok` / `must be 0: FAIL`, or empty for figures that are only reported. */
  readonly check: string;
}

export interface FaultCounts {
  readonly s3SlowDown: number;
  readonly dynamoProvisionedThroughput: number;
  readonly dynamoThrottling: number;
  readonly retriesExhausted: number;
  readonly origin500: number;
  readonly originTruncate: number;
  readonly originStall: number;
  /** Tracks whose origin served a hostile body (empty, not audio, huge tags, a shared name, a drip). */
  readonly hostile: Readonly<Record<HostileKind, number>>;
  readonly wrongChecksum: number;
  readonly missingLicense: number;
  readonly declined: number;
  readonly cancelledSessions: number;
  readonly storeDownSeconds: number;
  readonly api5xxRetried: number;
  readonly api429WaitedOut: number;
}

export interface TallyInput {
  readonly tracksSent: number;
  readonly faults: FaultCounts;
  readonly audit: Audit;
  readonly lostBeforeRedrive: number;
  readonly redriven: { readonly downloads: number; readonly completions: number };
  readonly apiRefused: number;
}

/** The figures that must be 0 for a run to pass, each with the problems behind it. */
export function mustBeZero(t: TallyInput): { figure: string; problems: readonly string[] }[] {
  const a = t.audit;
  return [
    { figure: 'tracks lost (not terminal, or store not told)', problems: a.lost },
    { figure: 'duplicate objects (2+ files for one track)', problems: a.duplicateObjects },
    { figure: 'duplicate library rows', problems: a.duplicateLibraryRows },
    { figure: 'callbacks wrong (≠ 1 distinct verified event id per told track)', problems: a.callbackProblems },
    { figure: 'sessions without exactly one Download event', problems: a.sessionEventProblems },
    { figure: 'wrong outcomes (state/HRESULT the plan does not allow)', problems: a.wrongOutcomes },
    { figure: 'orphan objects (a file for no completed track)', problems: a.orphanObjects },
    { figure: 'completed tracks with a missing or wrong file', problems: a.badFiles },
    { figure: 'library rows missing or disagreeing with the track', problems: a.libraryMismatches },
    { figure: 'tags lost (library row under fallback names)', problems: a.tagsLost },
    {
      figure: 'DownloadTrack calls the API refused',
      problems: Array.from({ length: t.apiRefused }, (_, i) => `refusal ${i + 1}`),
    },
  ];
}

export function tallyRows(t: TallyInput): TallyRow[] {
  const f = t.faults;
  const info = (figure: string, value: number | string): TallyRow => ({ figure, value, check: '' });
  const rows: TallyRow[] = [
    info('tracks sent', t.tracksSent),
    info('fault: S3 SlowDown 503 (attempts)', f.s3SlowDown),
    info('fault: DynamoDB ProvisionedThroughputExceeded (attempts)', f.dynamoProvisionedThroughput),
    info('fault: DynamoDB ThrottlingException (attempts)', f.dynamoThrottling),
    info('  requests whose SDK retries were exhausted', f.retriesExhausted),
    info('fault: origin HTTP 500 (tracks)', f.origin500),
    info('fault: origin body cut short (tracks)', f.originTruncate),
    info('fault: origin stall (tracks)', f.originStall),
    ...Object.entries(f.hostile).map(([kind, n]) => info(`hostile origin: ${kind} (tracks)`, n)),
    info('fault: wrong sha256 in DownloadTrack (tracks)', f.wrongChecksum),
    info('fault: no license predelivered (tracks)', f.missingLicense),
    info('declined by the store (tracks)', f.declined),
    info('cancelled sessions', f.cancelledSessions),
    info('fault: store callback endpoint down (seconds)', f.storeDownSeconds),
    info('API 5xx answers the store retried', f.api5xxRetried),
    info("API 429 answers (the store's rate limit) waited out", f.api429WaitedOut),
  ];
  for (const [label, n] of [...t.audit.outcomes.entries()].sort()) rows.push(info(`outcome: ${label}`, n));
  rows.push(
    info('tracks not terminal before the DLQ redrive', t.lostBeforeRedrive),
    info('DLQ messages redriven (downloads / completions)', `${t.redriven.downloads} / ${t.redriven.completions}`),
    info('callbacks: tracks told (one distinct event id each)', t.audit.callbacks.tracksTold),
    info(
      'callbacks: deliveries (repeats of an event id)',
      `${t.audit.callbacks.deliveries} (${t.audit.callbacks.repeatedDeliveries})`,
    ),
    info('callbacks: attempts refused while the store was down', t.audit.callbacks.refusedAttempts),
    info('staging objects left behind (lifecycle rule removes them)', t.audit.stagingLeftovers),
    ...[...t.audit.completionSeconds.entries()].map(([storeId, c]) =>
      info(
        `completion time, store ${storeId}: p50 / p95 / max s (${c.tracks} tracks)`,
        `${c.p50.toFixed(1)} / ${c.p95.toFixed(1)} / ${c.max.toFixed(1)}`,
      ),
    ),
  );
  for (const m of mustBeZero(t))
    rows.push({
      figure: m.figure,
      value: m.problems.length,
      check: m.problems.length === 0 ? 'must be 0: ok' : 'must be 0: FAIL',
    });
  return rows;
}
