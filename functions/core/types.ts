/** The records trackdrop keeps and the messages it passes between its functions. */

import type { HResult } from './hresult.js';

export type TrackState = 'queued' | 'stored' | 'completed' | 'failed' | 'cancelled' | 'declined';

export interface Store {
  readonly storeId: string;
  readonly name: string;
  readonly callbackUrl: string;
  /** Origins a track URL may point to: `https://host[:port]`, `http://…` or `s3://bucket`. */
  readonly allowOrigins: readonly string[];
  /** The protocol's PurchasedTrackRequiresReDownload. */
  readonly redownload: boolean;
  readonly createdAt: string;
}

export interface Container {
  readonly id: string | number;
  readonly type?: string | undefined;
  readonly price?: string | undefined;
  readonly contentIds: readonly number[];
}

export interface Session {
  readonly cookie: string;
  readonly storeId: string;
  readonly userId: string;
  readonly transactionType: 'none' | 'download' | 'buy';
  /** Empty when `containerChunks` is set: a long list is kept apart (DownloadsRepo.containersOf). */
  readonly containers: readonly Container[];
  /** How many items hold a long container list, when it does not fit in the session's own item. */
  readonly containerChunks?: number | undefined;
  readonly createdAt: string;
  readonly cancelledAt?: string | undefined;
  /** Set once the store acknowledged the session's `Download` event. */
  readonly notifiedAt?: string | undefined;
}

/**
 * What a file says about itself, as the file has it (text is never trimmed or rewritten; only
 * key segments are sanitised). Multi-valued tags keep their list (`artists`, `genres`…) beside
 * the display string players show, the values joined with "; ".
 */
export interface TrackTags {
  readonly title?: string | undefined;
  readonly artist?: string | undefined;
  readonly artists?: readonly string[] | undefined;
  readonly albumArtist?: string | undefined;
  readonly albumArtists?: readonly string[] | undefined;
  readonly album?: string | undefined;
  readonly trackNumber?: number | undefined;
  readonly trackTotal?: number | undefined;
  readonly discNumber?: number | undefined;
  readonly discTotal?: number | undefined;
  readonly year?: number | undefined;
  readonly genre?: string | undefined;
  readonly genres?: readonly string[] | undefined;
  /** The compilation flag (ID3 TCMP, MP4 cpil, Vorbis COMPILATION) or album artist "Various Artists". */
  readonly compilation?: boolean | undefined;
  readonly durationSeconds?: number | undefined;
  /** The audio codec, e.g. `MPEG 2 Layer 3`, `FLAC`, `MPEG-4/AAC`, `Opus`, `PCM`. */
  readonly codec?: string | undefined;
  /** In a library item `MPEG`, `FLAC`, `MP4`, `Ogg`, `WAVE`, `AIFF`, `ASF`…; as read, the tag reader's own name (see ReadTags). */
  readonly container?: string | undefined;
  /** Bits per second. */
  readonly bitrate?: number | undefined;
  readonly sampleRate?: number | undefined;
  readonly channels?: number | undefined;
  readonly lossless?: boolean | undefined;
  readonly replayGain?: ReplayGain | undefined;
  readonly musicBrainz?: MusicBrainzIds | undefined;
}

/** ReplayGain as tagged: gains in dB, peaks as sample ratios (1 = full scale). */
export interface ReplayGain {
  readonly trackGain?: number | undefined;
  readonly trackPeak?: number | undefined;
  readonly albumGain?: number | undefined;
  readonly albumPeak?: number | undefined;
}

export interface MusicBrainzIds {
  readonly recordingId?: string | undefined;
  readonly trackId?: string | undefined;
  readonly albumId?: string | undefined;
  readonly releaseGroupId?: string | undefined;
  readonly artistIds?: readonly string[] | undefined;
  readonly albumArtistIds?: readonly string[] | undefined;
}

/** What landed in the user's Music folder. */
export interface StoredItem extends TrackTags {
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly contentType?: string | undefined;
  /** The album folder's cover (`Folder.jpg` or `Folder.png`), when the file carries one. */
  readonly coverKey?: string | undefined;
}

export interface Track {
  readonly cookie: string;
  readonly storeId: string;
  readonly userId: string;
  readonly serviceTrackId: number;
  readonly trackUrl?: string | undefined;
  readonly downloadParams: string;
  /** hrDownload as the store sent it, normalised to unsigned. */
  readonly hrDownload: HResult;
  readonly expectedSha256?: string | undefined;
  readonly state: TrackState;
  /** The outcome reported to the store, unsigned. */
  readonly hrResult?: HResult | undefined;
  readonly item?: StoredItem | undefined;
  readonly reason?: string | undefined;
  /** Set once the store acknowledged DownloadTrackComplete. */
  readonly notifiedAt?: string | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface License {
  readonly userId: string;
  readonly storeId: string;
  readonly serviceTrackId: number;
  readonly licenseId?: string | undefined;
  readonly expiresAt?: string | undefined;
  readonly updatedAt: string;
}

export interface LibraryItem extends StoredItem {
  readonly userId: string;
  readonly storeId: string;
  readonly serviceTrackId: number;
  readonly cookie: string;
  readonly addedAt: string;
}

/** The queue messages' types are inferred from their schemas. */
export type { CompletionMessage, DownloadMessage } from './queueMessages.js';
