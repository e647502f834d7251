import {
  type CallbackItem,
  type DownloadEvent,
  type DownloadTrackCompleteEvent,
  downloadEventId,
  trackEventId,
  type UserErasedEvent,
  userErasedEventId,
} from '../../core/callbackEvents.js';
import { formatHResult, HR, type HResult } from '../../core/hresult.js';
import type { Container, Session, StoredItem, Track } from '../../core/storedRecords.js';
import { itemForStore } from '../../core/storeView.js';

/** DownloadTrackComplete(hrResult, contentID, downloadParams), with the cookie and a stable event id. */
export function trackCompletePayload(t: Track): DownloadTrackCompleteEvent {
  const hr = outcomeOf(t);
  const item = t.state === 'stored' || t.state === 'completed' ? t.item : undefined;
  return {
    event: 'DownloadTrackComplete' as const,
    eventId: trackEventId(t.cookie, t.serviceTrackId),
    cookie: t.cookie,
    userId: t.userId,
    serviceTrackId: t.serviceTrackId,
    hrResult: formatHResult(hr),
    downloadParams: t.downloadParams,
    // The store's view of the item: its own key and an item id (core/storeView.ts).
    ...(item ? { item: callbackItem(itemForStore(t.userId, t.storeId, t.serviceTrackId, item)) } : {}),
    ...(t.reason && hr >= 0x8000_0000 ? { reason: t.reason } : {}),
  };
}

/** The HRESULT a track's DownloadTrackComplete reports. */
export function outcomeOf(t: Pick<Track, 'hrResult' | 'state'>): HResult {
  return t.hrResult ?? (t.state === 'cancelled' ? HR.E_ABORT : t.state === 'failed' ? HR.E_FAIL : HR.S_OK);
}

/** The library item as the store sees it: what landed where, and what the file says (docs/music-folder.md, "Library items"). */
export function callbackItem(item: StoredItem & { itemId?: string }): CallbackItem {
  return {
    ...(item.itemId ? { itemId: item.itemId } : {}),
    key: item.key,
    bytes: item.bytes,
    sha256: item.sha256,
    title: item.title,
    artist: item.artist,
    artists: item.artists,
    albumArtist: item.albumArtist,
    albumArtists: item.albumArtists,
    album: item.album,
    trackNumber: item.trackNumber,
    trackTotal: item.trackTotal,
    discNumber: item.discNumber,
    discTotal: item.discTotal,
    year: item.year,
    genre: item.genre,
    genres: item.genres,
    compilation: item.compilation,
    durationSeconds: item.durationSeconds,
    codec: item.codec,
    container: item.container,
    bitrate: item.bitrate,
    sampleRate: item.sampleRate,
    channels: item.channels,
    lossless: item.lossless,
    replayGain: item.replayGain,
    musicBrainz: item.musicBrainz,
    coverKey: item.coverKey,
  };
}

/** The protocol's Download(containerList, cookie), sent when a session opens. */
export function downloadPayload(s: Session, containers: readonly Container[]): DownloadEvent {
  return {
    event: 'Download' as const,
    eventId: downloadEventId(s.cookie),
    cookie: s.cookie,
    userId: s.userId,
    transactionType: s.transactionType,
    containers: [...containers],
    createdAt: s.createdAt,
  };
}

/** UserErased: the user's data is gone from trackdrop; one event per erasure and store. */
export function userErasedPayload(e: {
  storeId: string;
  userId: string;
  erasureId: string;
  erasedAt: string;
}): UserErasedEvent {
  return {
    event: 'UserErased' as const,
    eventId: userErasedEventId(e.erasureId, e.storeId),
    userId: e.userId,
    erasureId: e.erasureId,
    erasedAt: e.erasedAt,
  };
}
