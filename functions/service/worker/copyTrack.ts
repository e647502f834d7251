import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingMeter } from '../../adapters/hashingMeter.js';
import type { OriginResponse } from '../../adapters/originFetcher.js';
import { peekHead } from '../../adapters/streamHead.js';
import { TagParseTimeout } from '../../adapters/tagParse/tagParser.js';
import { type ObjectFacts, type ReadTags, SourceNotFoundError, tagsFromHead } from '../../adapters/tagReader.js';
import { isAudioContainer } from '../../core/audioContainer.js';
import { containerName } from '../../core/containerName.js';
import { TrackFailure } from '../../core/errors.js';
import { HR, httpStatusHResult } from '../../core/hresult.js';
import { extensionFor } from '../../core/keyLayout.js';
import { servedMediaType } from '../../core/mediaType.js';
import type { DownloadMessage } from '../../core/queueMessages.js';
import { parseSource } from '../../core/sourceUrl.js';
import type { Store, StoredItem } from '../../core/storedRecords.js';
import { boundTags } from '../../core/tagBounds.js';
import { stagingPrefix } from '../../resources.js';
import type { WorkerDeps } from '../deps.js';
import { placeCover } from './placeCover.js';
import { claimObjectKey } from './placeObject.js';

/** Metadata on every stored object, naming the track it holds. */
const metadataFor = (m: DownloadMessage): Record<string, string> => ({
  'trackdrop-store': m.storeId,
  'trackdrop-track': String(m.serviceTrackId),
  'trackdrop-cookie': m.cookie,
});

/**
 * Copies one approved track into the user's Music folder and reads its tags; an embedded front
 * cover becomes the album folder's `Folder.jpg` (or `.png`).
 * - `s3://` sources: tags from ranged reads, then a server-side copy; no byte passes through.
 * - `https://` sources: streamed with bounded memory, hashed on the way, straight to the name
 *   the file's head gives; a file whose tags are not up front goes to a staging object first,
 *   is named from its tags there, then copied server-side.
 */
export async function copyTrack(
  deps: WorkerDeps,
  store: Store,
  msg: DownloadMessage,
  opts: CopyOptions = {},
): Promise<StoredItem> {
  try {
    return await copyBySource(deps, store, msg, opts);
  } catch (err) {
    // A parse that would not end: the file is at fault, and every attempt would end the same.
    if (err instanceof TagParseTimeout) throw new TrackFailure(HR.E_TAGS_UNREADABLE, err.message);
    throw err;
  }
}

async function copyBySource(deps: WorkerDeps, store: Store, msg: DownloadMessage, opts: CopyOptions) {
  const source = parseSource(msg.trackUrl);
  if (!source) throw new TrackFailure(HR.E_INVALIDARG, 'trackUrl is not a supported URL');
  if (source.kind === 's3') {
    // The media bucket holds every user's files: no store may name it, whatever its allowlist says.
    if (source.bucket === deps.media.bucket)
      throw new TrackFailure(HR.E_ACCESSDENIED, "trackdrop's own bucket is no track source");
    return opts.verifyFirst
      ? viaStaging(deps, msg, (staging) => copyToStaging(deps, source.bucket, source.key, staging))
      : copyFromS3(deps, msg, source.bucket, source.key);
  }
  return copyFromHttp(deps, store, msg, source.url, opts);
}

export interface CopyOptions {
  /**
   * Check the store's SHA-256 before the file reaches its final key: for a re-download, whose
   * key holds the copy already in the user's library and must not be overwritten by bad bytes.
   */
  readonly verifyFirst?: boolean;
  /** When an HTTPS fetch must be done (see OriginPolicy.deadline). */
  readonly deadline?: { readonly at: number; readonly transient: boolean };
}

/** Stages a file, then names it from its tags and copies it to its final key (checked first). */
async function viaStaging(
  deps: WorkerDeps,
  msg: DownloadMessage,
  stage: (staging: string) => Promise<{ sha256: string; bytes: number }>,
): Promise<StoredItem> {
  // One staging object per attempt: two deliveries of one message must not share it.
  const staging = `${stagingPrefix}${msg.cookie}/${msg.serviceTrackId}/${randomUUID()}`;
  try {
    const staged = await stage(staging);
    return await copyFromS3(deps, msg, deps.media.bucket, staging, staged);
  } finally {
    // A staging object that outlives a failed delete is removed by the bucket's lifecycle rule.
    await deps.media
      .delete(staging)
      .catch((err: unknown) =>
        deps.logger.warn('could not delete a staging object', { key: staging, error: err as Error }),
      );
  }
}

/** A server-side copy of an S3 source into staging, with its SHA-256. */
async function copyToStaging(
  deps: WorkerDeps,
  bucket: string,
  key: string,
  staging: string,
): Promise<{ sha256: string; bytes: number }> {
  const facts = await sourceFacts(deps, bucket, key);
  const copied = await deps.media.copy({
    sourceBucket: bucket,
    sourceKey: key,
    destKey: staging,
    size: facts.size,
    contentType: facts.contentType,
    metadata: {},
  });
  return { sha256: copied.sha256 ?? (await deps.media.sha256Of(deps.media.bucket, staging)).sha256, bytes: facts.size };
}

async function sourceFacts(deps: WorkerDeps, bucket: string, key: string) {
  let facts: ObjectFacts;
  try {
    facts = await deps.objectFacts(bucket, key);
  } catch (err) {
    if (err instanceof SourceNotFoundError) throw new TrackFailure(httpStatusHResult(404), err.message);
    throw err;
  }
  if (facts.size > deps.settings.limits.maxTrackBytes) {
    throw new TrackFailure(
      HR.E_FILE_TOO_LARGE,
      `source is ${facts.size} bytes, over the ${deps.settings.limits.maxTrackBytes}-byte limit`,
    );
  }
  return facts;
}

/** Only a recognisable, non-empty audio file reaches a user's folder. */
function assertAudio(size: number, container: string | undefined): void {
  if (size === 0) throw new TrackFailure(HR.E_EMPTY_FILE, 'the file is empty (0 bytes)');
  if (!isAudioContainer(container)) throw new TrackFailure(HR.E_NOT_AUDIO, 'the file is not a recognisable audio file');
}

async function copyFromS3(
  deps: WorkerDeps,
  msg: DownloadMessage,
  bucket: string,
  key: string,
  known?: { sha256: string; bytes: number },
): Promise<StoredItem> {
  // Bytes already hashed (staged) are checked before they reach a user's folder.
  if (known && msg.expectedSha256 && known.sha256 !== msg.expectedSha256)
    throw hashMismatch(known.sha256, msg.expectedSha256);
  const facts = await sourceFacts(deps, bucket, key);
  assertAudio(facts.size, facts.tags.container);
  const tags = boundTags(facts.tags, deps.settings.limits.maxTagBytes);
  const destKey = await claimObjectKey(deps, {
    userId: msg.userId,
    serviceTrackId: msg.serviceTrackId,
    owner: `${msg.storeId}#${msg.serviceTrackId}`,
    tags,
    ext: extensionFor(tags.container, tags.codec),
  });
  const contentType = servedMediaType(destKey, tags.container, tags.codec);
  const copied = await deps.media.copy({
    sourceBucket: bucket,
    sourceKey: key,
    destKey,
    size: facts.size,
    contentType,
    metadata: metadataFor(msg),
  });
  // S3 reports the copy's SHA-256 (it computes one when asked, or keeps the source's);
  // reading the object through is the last resort, for sources stored without one.
  const sha256 = known?.sha256 ?? copied.sha256 ?? (await deps.media.sha256Of(deps.media.bucket, destKey)).sha256;
  const coverKey = facts.cover ? await placeCover(deps, destKey, facts.cover) : undefined;
  return {
    key: destKey,
    bytes: known?.bytes ?? facts.size,
    sha256,
    contentType,
    ...tags,
    container: containerName(tags.container),
    ...(coverKey ? { coverKey } : {}),
  };
}

async function copyFromHttp(
  deps: WorkerDeps,
  store: Store,
  msg: DownloadMessage,
  url: URL,
  opts: CopyOptions,
): Promise<StoredItem> {
  const limits = deps.settings.limits;
  const res = await deps.fetchOrigin(url, {
    allowOrigins: store.allowOrigins,
    maxRedirects: limits.maxRedirects,
    timeoutMs: limits.originTimeoutSeconds * 1000,
    maxBytes: limits.maxTrackBytes,
    minBytesPerSecond: limits.minOriginBytesPerSecond,
    ...(opts.deadline ? { deadline: opts.deadline } : {}),
  });
  let source: Readable = res.body;
  let named: ReadTags | undefined;
  try {
    const { head, ended } = await peekHead(res.body);
    if (ended) source = Readable.from([head]);
    if (ended && head.length === 0) throw new TrackFailure(HR.E_EMPTY_FILE, 'the origin sent an empty file (0 bytes)');
    const tags = await tagsFromHead(deps.tagParser, head);
    // A head that names an audio container and the file: straight to the final key. Anything
    // else is staged, and judged on the whole file before it can reach the user's folder.
    if (tags?.title && (tags.artist || tags.albumArtist) && isAudioContainer(tags.container) && !opts.verifyFirst)
      named = boundTags(tags, limits.maxTagBytes);
  } catch (err) {
    res.body.destroy();
    throw res.failure() ?? originBodyFailure(err);
  }
  if (named) {
    // The head names the file (ID3v2, FLAC, RIFF INFO up front): straight to its final key.
    const destKey = await claimObjectKey(deps, {
      userId: msg.userId,
      serviceTrackId: msg.serviceTrackId,
      owner: `${msg.storeId}#${msg.serviceTrackId}`,
      tags: named,
      ext: extensionFor(named.container, named.codec),
    });
    // Stored as the type its head's container names, whatever the origin labelled it.
    const contentType = servedMediaType(destKey, named.container, named.codec);
    const sent = await streamToBucket(deps, source, res, destKey, metadataFor(msg), contentType);
    // Tags, duration and cover from the stored file itself: ranged reads, exact for the whole file.
    const stored = await deps.objectFacts(deps.media.bucket, destKey);
    const coverKey = stored.cover ? await placeCover(deps, destKey, stored.cover) : undefined;
    return {
      key: destKey,
      bytes: sent.bytes,
      sha256: sent.sha256,
      contentType,
      ...boundTags(stored.tags, limits.maxTagBytes),
      container: containerName(stored.tags.container),
      ...(coverKey ? { coverKey } : {}),
    };
  }
  // Tags elsewhere (an MP4 with its index at the end, ID3v1 only), or bytes to check first.
  return viaStaging(deps, msg, (staging) => streamToBucket(deps, source, res, staging, {}, 'application/octet-stream'));
}

export function hashMismatch(actual: string, expected: string): TrackFailure {
  return new TrackFailure(HR.E_HASH_MISMATCH, `SHA-256 ${actual} does not match the store's ${expected}`);
}

/** Streams the origin's body into the bucket with bounded memory, hashing and counting it on the way (the benchmark measures this). */
export async function streamToBucket(
  deps: Pick<WorkerDeps, 'settings' | 'media'>,
  source: Readable,
  res: OriginResponse,
  key: string,
  metadata: Record<string, string>,
  contentType: string,
): Promise<{ sha256: string; bytes: number }> {
  const meter = new HashingMeter(deps.settings.limits.maxTrackBytes, res.contentLength);
  const body = new PassThrough();
  try {
    await Promise.all([pipeline(source, meter, body), deps.media.uploadStream(key, body, contentType, metadata)]);
  } catch (err) {
    body.destroy();
    res.body.destroy();
    throw meter.failure ?? res.failure() ?? originBodyFailure(err);
  }
  return { sha256: meter.digest(), bytes: meter.bytes };
}

/** An origin body that broke off is a transient failure of its own; anything else stays as it is. */
function originBodyFailure(err: unknown): unknown {
  if (err instanceof TrackFailure) return err;
  if (
    err instanceof Error &&
    /aborted|premature|ECONNRESET|socket hang up/i.test(
      `${err.name} ${err.message} ${(err as NodeJS.ErrnoException).code ?? ''}`,
    )
  ) {
    return new TrackFailure(HR.E_DOWNLOAD_FAILURE, `origin body broke off: ${err.message}`, true);
  }
  return err;
}
