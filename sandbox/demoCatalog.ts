import { tinyJpeg, tinyJpegOrange } from '../testkit/coverArt.js';
import { type AudioTags, makeMp3, makeWav } from '../testkit/taggedAudio.js';

export interface DemoTrack {
  readonly serviceTrackId: number;
  readonly file: string;
  readonly tags: AudioTags;
  readonly body: Buffer;
  readonly contentType: string;
}

// The MP3 albums carry front covers in their tags (the worker files them as Folder.jpg); the WAVs none.
const albums: { artist: string; album: string; titles: string[]; format: 'mp3' | 'wav'; cover?: Buffer }[] = [
  {
    artist: 'The Loopback Trio',
    album: 'Localhost Nights',
    titles: ['Port 4000', 'Keep-Alive', 'Long Poll Blues', 'Idempotent Heart'],
    format: 'mp3',
    cover: tinyJpeg,
  },
  {
    artist: 'Ada & the Queues',
    album: 'At Least Once',
    titles: ['Visibility Timeout', 'Dead Letter', 'Redrive', 'Exactly One Outcome'],
    format: 'mp3',
    cover: tinyJpegOrange,
  },
  { artist: 'Signal Path', album: 'Checksums', titles: ['SHA Two Fifty-Six', 'Range Request'], format: 'wav' },
];

/** A small catalogue of real tagged files for the demo store's origin. */
export function demoCatalog(): DemoTrack[] {
  const tracks: DemoTrack[] = [];
  let id = 100;
  for (const a of albums) {
    a.titles.forEach((title, i) => {
      const tags = { title, artist: a.artist, album: a.album, trackNumber: i + 1 };
      const body =
        a.format === 'mp3'
          ? makeMp3({ ...tags, ...(a.cover ? { coverJpeg: a.cover } : {}) }, 2 + i)
          : makeWav(tags, 1 + i);
      tracks.push({
        serviceTrackId: ++id,
        file: `${id}.${a.format}`,
        tags,
        body,
        contentType: a.format === 'mp3' ? 'audio/mpeg' : 'audio/wav',
      });
    });
  }
  return tracks;
}
