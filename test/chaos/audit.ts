import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { listKeys, sha256Of } from '../../functions/adapters/bucketObjects.js';
import type { AwsClients } from '../../functions/adapters/clients.js';
import type { ResourceNames } from '../../functions/adapters/config.js';
import { LibraryRepo } from '../../functions/adapters/libraryRepo.js';
import { TracksRepo } from '../../functions/adapters/tracksRepo.js';
import { isCompletionOwed, isSettled as isTrackSettled } from '../../functions/core/completionOwed.js';
import { formatHResult, HR, type HResult } from '../../functions/core/hresult.js';
import type { LibraryItem, Track } from '../../functions/core/storedRecords.js';
import { stagingPrefix } from '../../functions/resources.js';
import type { FakeStore } from '../../testkit/fakeStore.js';
import { acceptableOutcomes, type ChaosPlan, type PlannedTrack } from './plan.js';

/** A track is settled when nothing more will happen to it (functions/core/completionOwed.ts); an unrecorded one is not. */
export function isSettled(t: Track | undefined): boolean {
  return t !== undefined && isTrackSettled(t);
}

export interface AuditInput {
  /** Clients without fault injection: the audit must see the truth. */
  readonly clients: AwsClients;
  readonly names: ResourceNames;
  readonly plan: ChaosPlan;
  /** Cookie of each planned session (by index). */
  readonly cookies: readonly string[];
  /** Sessions that were cancelled. */
  readonly cancelled: ReadonlySet<number>;
  readonly store: FakeStore;
}

export interface Audit {
  /** `completed S_OK`, `failed HTTP_E_STATUS_500 (0x801901F4)`… → tracks. */
  readonly outcomes: Map<string, number>;
  /** Planned tracks that are not settled (never recorded, not terminal, or owed a callback). */
  readonly lost: string[];
  /** Settled in a state or with an HRESULT its plan does not allow. */
  readonly wrongOutcomes: string[];
  /** Objects beyond the first for one track (by the object's trackdrop-* metadata). */
  readonly duplicateObjects: string[];
  /** Objects in a Music folder for no completed track, or not at the key the track records. */
  readonly orphanObjects: string[];
  /** Completed tracks whose file is missing or has other bytes than the source. */
  readonly badFiles: string[];
  /** Library rows beyond the first for a track, or for one object key. */
  readonly duplicateLibraryRows: string[];
  /** Completed tracks without a library row, rows for tracks not completed, rows that disagree with the track. */
  readonly libraryMismatches: string[];
  /** Completed tracks whose library row lost the file's tags (fallback names). */
  readonly tagsLost: string[];
  /** Terminal, not declined tracks without exactly one distinct, verified, correct DownloadTrackComplete event id; declined ones with any. */
  readonly callbackProblems: string[];
  /** Sessions without exactly one distinct Download event id. */
  readonly sessionEventProblems: string[];
  readonly callbacks: {
    readonly tracksTold: number;
    readonly deliveries: number;
    readonly repeatedDeliveries: number;
    readonly refusedAttempts: number;
  };
  readonly stagingLeftovers: number;
  /** Per store: seconds from a track's DownloadTrack to the store being told (told tracks only). */
  readonly completionSeconds: Map<
    string,
    { readonly tracks: number; readonly p50: number; readonly p95: number; readonly max: number }
  >;
}

const trackRef = (t: { session: number; serviceTrackId: number }) => `session ${t.session} track ${t.serviceTrackId}`;

export async function audit(input: AuditInput): Promise<Audit> {
  const { clients, names, plan, cookies, cancelled, store } = input;
  const trackRepo = new TracksRepo(clients.ddb, names.tables.downloads, 86_400);
  const library = new LibraryRepo(clients.ddb, names.tables.library);

  const tracks = new Map<string, Track>();
  for (const cookie of new Set(cookies))
    for (const t of await trackRepo.list(cookie)) tracks.set(`${cookie}#${t.serviceTrackId}`, t);
  const trackOf = (p: PlannedTrack) => tracks.get(`${cookies[p.session]}#${p.serviceTrackId}`);

  const outcomes = new Map<string, number>();
  const lost: string[] = [];
  const wrongOutcomes: string[] = [];
  for (const p of plan.tracks) {
    const t = trackOf(p);
    if (!isSettled(t)) {
      lost.push(
        `${trackRef(p)}: ${t ? `${t.state}${isCompletionOwed(t) ? ', store not told' : ''}` : 'never recorded'}`,
      );
      continue;
    }
    const hr = t!.hrResult ?? (t!.state === 'declined' ? t!.hrDownload : HR.S_OK);
    const label = `${t!.state} ${hresultName(hr)} (${formatHResult(hr)})`;
    outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
    const got = `${t!.state} ${formatHResult(hr)}`;
    const ok = acceptableOutcomes(p, cancelled.has(p.session));
    if (!ok.has(got)) wrongOutcomes.push(`${trackRef(p)}: ${got}, expected ${[...ok].join(' or ')}`);
  }

  // Objects in the users' Music folders, attributed by the metadata the worker writes on them.
  const objects = await listKeys(clients.s3, names.bucket, 'users/');
  const byTrack = new Map<string, string[]>();
  const orphanObjects: string[] = [];
  const bodies = new Map<string, string>();
  for (const key of objects) {
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket: names.bucket, Key: key }));
    const m = head.Metadata ?? {};
    const owner = `${m['trackdrop-store']}#${m['trackdrop-cookie']}#${m['trackdrop-track']}`;
    byTrack.set(owner, [...(byTrack.get(owner) ?? []), key]);
    const t = tracks.get(`${m['trackdrop-cookie']}#${m['trackdrop-track']}`);
    if (t?.state !== 'completed' || t.item?.key !== key)
      orphanObjects.push(
        `${key} (${t ? `track ${t.serviceTrackId} ${t.state}${t.item ? ` at ${t.item.key}` : ''}` : `store ${m['trackdrop-store']} track ${m['trackdrop-track']}: unknown`})`,
      );
    bodies.set(key, (await sha256Of(clients.s3, names.bucket, key)).sha256);
  }
  const duplicateObjects = [...byTrack.entries()]
    .filter(([, keys]) => keys.length > 1)
    .map(([owner, keys]) => `track ${owner.split('#')[2]}: ${keys.join(' | ')}`);

  const badFiles: string[] = [];
  const libraryMismatches: string[] = [];
  const tagsLost: string[] = [];
  const duplicateLibraryRows: string[] = [];
  const rowsByUser = new Map<string, LibraryItem[]>();
  for (const userId of new Set(plan.tracks.map((t) => t.userId))) rowsByUser.set(userId, await library.listAll(userId));
  const rowsByTrack = new Map<string, LibraryItem[]>();
  for (const rows of rowsByUser.values()) {
    const byKey = new Map<string, number>();
    for (const r of rows) {
      const k = `${r.userId}#${r.storeId}#${r.serviceTrackId}`;
      rowsByTrack.set(k, [...(rowsByTrack.get(k) ?? []), r]);
      byKey.set(r.key, (byKey.get(r.key) ?? 0) + 1);
    }
    for (const [key, n] of byKey) if (n > 1) duplicateLibraryRows.push(`${n} rows share ${key}`);
  }
  for (const [k, rows] of rowsByTrack) if (rows.length > 1) duplicateLibraryRows.push(`${rows.length} rows for ${k}`);

  for (const p of plan.tracks) {
    const t = trackOf(p);
    const rows = rowsByTrack.get(`${p.userId}#${t?.storeId ?? ''}#${p.serviceTrackId}`) ?? [];
    if (t?.state !== 'completed') {
      if (rows.length > 0) libraryMismatches.push(`${trackRef(p)}: ${t?.state ?? 'unknown'} but in the library`);
      continue;
    }
    const key = t.item?.key;
    const sum = key ? bodies.get(key) : undefined;
    if (!key || !sum) badFiles.push(`${trackRef(p)}: completed, but no file${key ? ` at ${key}` : ''}`);
    else if (sum !== p.sha256) badFiles.push(`${trackRef(p)}: ${key} has other bytes than the source`);
    const row = rows[0];
    if (!row) {
      libraryMismatches.push(`${trackRef(p)}: completed, not in the library`);
      continue;
    }
    if (row.key !== key || row.sha256 !== t.item?.sha256)
      libraryMismatches.push(`${trackRef(p)}: library row says ${row.key}, the track ${key}`);
    if (row.title !== p.tags.title || row.artist !== p.tags.artist || row.album !== p.tags.album) {
      tagsLost.push(`${trackRef(p)}: "${row.artist ?? '?'} / ${row.album ?? '?'} / ${row.title ?? '?'}" at ${row.key}`);
    }
  }

  // Callbacks: one distinct event id per told track, every delivery signed and saying the truth.
  const completes = store.events.filter((e) => e.body.event === 'DownloadTrackComplete');
  const eventsByTrack = new Map<string, typeof completes>();
  for (const e of completes) {
    const k = `${String(e.body.cookie)}#${String(e.body.serviceTrackId)}`;
    eventsByTrack.set(k, [...(eventsByTrack.get(k) ?? []), e]);
  }
  const callbackProblems: string[] = [];
  let tracksTold = 0;
  for (const p of plan.tracks) {
    const t = trackOf(p);
    const events = eventsByTrack.get(`${cookies[p.session]}#${p.serviceTrackId}`) ?? [];
    if (!t || !isSettled(t)) continue; // counted as lost
    if (t.state === 'declined') {
      if (events.length > 0) callbackProblems.push(`${trackRef(p)}: declined, yet ${events.length} callback(s)`);
      continue;
    }
    const ids = new Set(events.map((e) => e.eventId));
    if (ids.size !== 1) {
      callbackProblems.push(`${trackRef(p)}: ${ids.size} distinct event ids`);
      continue;
    }
    tracksTold += 1;
    const hr = formatHResult(t.hrResult ?? HR.S_OK);
    for (const e of events) {
      if (!e.verified) callbackProblems.push(`${trackRef(p)}: a delivery failed signature verification`);
      if (e.body.hrResult !== hr)
        callbackProblems.push(`${trackRef(p)}: told ${String(e.body.hrResult)}, the track says ${hr}`);
      if (e.body.downloadParams !== p.downloadParams)
        callbackProblems.push(`${trackRef(p)}: downloadParams not returned byte for byte`);
    }
  }
  const sessionEventProblems: string[] = [];
  cookies.forEach((cookie, i) => {
    const ids = new Set(
      store.events.filter((e) => e.body.event === 'Download' && e.body.cookie === cookie).map((e) => e.eventId),
    );
    if (ids.size !== 1) sessionEventProblems.push(`session ${i}: ${ids.size} distinct Download event ids`);
  });
  const distinct = new Set(completes.map((e) => e.eventId)).size;

  // How long each store waited: DownloadTrack accepted → its DownloadTrackComplete received.
  const firstTold = new Map<string, number>();
  for (const e of completes) {
    const k = `${String(e.body.cookie)}#${String(e.body.serviceTrackId)}`;
    firstTold.set(k, Math.min(firstTold.get(k) ?? Infinity, e.receivedAt));
  }
  const waits = new Map<string, number[]>();
  for (const t of tracks.values()) {
    const told = firstTold.get(`${t.cookie}#${t.serviceTrackId}`);
    if (told !== undefined)
      waits.set(t.storeId, [...(waits.get(t.storeId) ?? []), (told - Date.parse(t.createdAt)) / 1000]);
  }
  const completionSeconds = new Map(
    [...waits.entries()].map(([storeId, w]) => {
      const sorted = w.sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      return [storeId, { tracks: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! }] as const;
    }),
  );

  return {
    outcomes,
    lost,
    wrongOutcomes,
    duplicateObjects,
    orphanObjects,
    badFiles,
    duplicateLibraryRows,
    libraryMismatches,
    tagsLost,
    callbackProblems,
    sessionEventProblems,
    callbacks: {
      tracksTold,
      deliveries: completes.length,
      repeatedDeliveries: completes.length - distinct,
      refusedAttempts: store.attempts.filter((a) => a.status < 200 || a.status >= 300).length,
    },
    stagingLeftovers: (await listKeys(clients.s3, names.bucket, stagingPrefix)).length,
    completionSeconds,
  };
}

const hrNames = new Map<number, string>(Object.entries(HR).map(([name, hr]) => [hr as number, name]));

/** `S_OK`, `NS_E_DRM_LICENSE_NOTACQUIRED`, `HTTP_E_STATUS_500`, or the hex code. */
export function hresultName(hr: HResult): string {
  const known = hrNames.get(hr);
  if (known) return known;
  if (hr >>> 16 === 0x8019) return `HTTP_E_STATUS_${hr & 0xffff}`;
  return formatHResult(hr);
}
