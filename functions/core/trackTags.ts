import * as z from 'zod/mini';

/** ReplayGain as tagged: gains in dB, peaks as sample ratios (1 = full scale). */
const replayGainSchema = z.object({
  trackGain: z.optional(z.number()),
  trackPeak: z.optional(z.number()),
  albumGain: z.optional(z.number()),
  albumPeak: z.optional(z.number()),
});

const musicBrainzIdsSchema = z.object({
  recordingId: z.optional(z.string()),
  trackId: z.optional(z.string()),
  albumId: z.optional(z.string()),
  releaseGroupId: z.optional(z.string()),
  artistIds: z.optional(z.array(z.string())),
  albumArtistIds: z.optional(z.array(z.string())),
});

/**
 * What a file says about itself, as the file has it (text is never trimmed or rewritten; only
 * key segments are sanitised). Multi-valued tags keep their list (`artists`, `genres`…) beside
 * the display string players show, the values joined with "; ". Read back, only the kinds of
 * value are checked: a tag's text is the file's own.
 */
export const trackTagsSchema = z.object({
  title: z.optional(z.string()),
  artist: z.optional(z.string()),
  artists: z.optional(z.array(z.string())),
  albumArtist: z.optional(z.string()),
  albumArtists: z.optional(z.array(z.string())),
  album: z.optional(z.string()),
  trackNumber: z.optional(z.number()),
  trackTotal: z.optional(z.number()),
  discNumber: z.optional(z.number()),
  discTotal: z.optional(z.number()),
  year: z.optional(z.number()),
  genre: z.optional(z.string()),
  genres: z.optional(z.array(z.string())),
  /** The compilation flag (ID3 TCMP, MP4 cpil, Vorbis COMPILATION) or album artist "Various Artists". */
  compilation: z.optional(z.boolean()),
  durationSeconds: z.optional(z.number()),
  /** The audio codec, e.g. `MPEG 2 Layer 3`, `FLAC`, `MPEG-4/AAC`, `Opus`, `PCM`. */
  codec: z.optional(z.string()),
  /** In a library item `MPEG`, `FLAC`, `MP4`, `Ogg`, `WAVE`, `AIFF`, `ASF`…; as read, the tag reader's own name (see ReadTags). */
  container: z.optional(z.string()),
  /** Bits per second. */
  bitrate: z.optional(z.number()),
  sampleRate: z.optional(z.number()),
  channels: z.optional(z.number()),
  lossless: z.optional(z.boolean()),
  replayGain: z.optional(replayGainSchema),
  musicBrainz: z.optional(musicBrainzIdsSchema),
});

export type TrackTags = Readonly<z.infer<typeof trackTagsSchema>>;
