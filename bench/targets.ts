/** What the figures are held against (from the brief for this benchmark). */
export const targets = {
  /** AWS requests per track made by trackdrop's code, S3 source, batch route. */
  requestsPerTrackS3: 6,
  /** Modeled cost, S3 source. */
  usdPerMillionTracksS3: 7,
  /** Streamed copy speed against a plain lib-storage Upload. */
  copySpeedRatio: 0.9,
  copyPeakRssMiB: 150,
  bundleKB: 500,
  /** Module init, from process start to the handler module imported. */
  initMs: 150,
} as const;
