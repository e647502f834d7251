/** The records trackdrop keeps and the messages it passes between its functions. */

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
  readonly containers: readonly Container[];
  readonly createdAt: string;
  readonly cancelledAt?: string | undefined;
  /** Set once the store acknowledged the session's `Download` event. */
  readonly notifiedAt?: string | undefined;
}

export interface TrackTags {
  readonly title?: string | undefined;
  readonly artist?: string | undefined;
  readonly albumArtist?: string | undefined;
  readonly album?: string | undefined;
  readonly trackNumber?: number | undefined;
  readonly durationSeconds?: number | undefined;
}

/** What landed in the user's Music folder. */
export interface StoredItem extends TrackTags {
  readonly key: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly contentType?: string | undefined;
}

export interface Track {
  readonly cookie: string;
  readonly storeId: string;
  readonly userId: string;
  readonly serviceTrackId: number;
  readonly trackUrl?: string | undefined;
  readonly downloadParams: string;
  /** hrDownload as the store sent it, normalised to unsigned. */
  readonly hrDownload: number;
  readonly expectedSha256?: string | undefined;
  readonly state: TrackState;
  /** The outcome reported to the store, unsigned. */
  readonly hrResult?: number | undefined;
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

/** Downloads queue: one approved track. It carries what the worker needs, so no extra read. */
export interface DownloadMessage {
  readonly cookie: string;
  readonly storeId: string;
  readonly userId: string;
  readonly serviceTrackId: number;
  readonly trackUrl: string;
  readonly expectedSha256?: string | undefined;
}

/**
 * Completions queue: a track reached an outcome, a session opened, or a cancelled session's
 * tracks are to be ended one chunk of one shard at a time (`after`: the last id done). A track message carries
 * the track as it was when it got there, so the completion function need not read it again;
 * one without (from an operator's redrive of an older message, say) is read from the table.
 */
export type CompletionMessage =
  | { readonly kind: 'track'; readonly cookie: string; readonly serviceTrackId: number; readonly track?: Track }
  | { readonly kind: 'session'; readonly cookie: string }
  | { readonly kind: 'cancel'; readonly cookie: string; readonly shard: number; readonly after?: number | undefined };
