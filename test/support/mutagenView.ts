import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { VALUE_SEPARATOR } from '../../functions/adapters/tagReader.js';
import { isCompilation } from '../../functions/core/keyLayout.js';

/**
 * A second opinion on the corpus: what mutagen (Debian's python3-mutagen, the tagging library
 * beets builds on) reads from the same files, through mutagenView.py beside this file.
 */

/** Debian's own python3, the one python3-mutagen installs for (a python3 earlier on PATH may lack it). */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./mutagenView.py', import.meta.url));

const texts = z.array(z.string()).nullable();
const count = z.number().int().nullable();
const viewSchema = z.object({
  tags: z
    .object({
      title: texts,
      artists: texts,
      albumArtists: texts,
      album: texts,
      trackNumber: count,
      trackTotal: count,
      discNumber: count,
      discTotal: count,
      year: count,
      genres: texts,
      compilation: z.boolean(),
    })
    .nullable(),
  cover: z.object({ mime: z.string(), bytes: z.number().int(), sha256: z.string() }).nullable(),
  sampleRate: count,
  channels: count,
  bitrate: count,
  seconds: z.number(),
});
export type MutagenView = z.infer<typeof viewSchema>;

/** mutagen's view of each file by path, or why there is none (python3-mutagen not installed). */
export function mutagenViews(paths: readonly string[]): { views: Map<string, MutagenView> } | { missing: string } {
  const run = spawnSync(PYTHON, [SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.error || (run.status !== 0 && /No module named .?mutagen/.test(run.stderr))) {
    return { missing: `no second opinion: ${PYTHON} with mutagen is not installed (apt-get install python3-mutagen)` };
  }
  if (run.status !== 0) throw new Error(`mutagenView.py failed: ${run.stderr}`);
  const out = z.record(z.string(), viewSchema).parse(JSON.parse(run.stdout));
  return { views: new Map(Object.entries(out)) };
}

/**
 * The library fields mutagen's reading gives, named and joined as trackdrop names them: a list
 * shown joined with VALUE_SEPARATOR, absent numbers undefined, the compilation rule applied
 * to mutagen's flag and album artist. Stream facts only where mutagen knows them; no tags at all
 * where mutagen reads none of the file's kind.
 */
export function expectedFields(view: MutagenView): Record<string, unknown> {
  const stream = Object.fromEntries(
    (['sampleRate', 'channels', 'bitrate'] as const).flatMap((k) => (view[k] !== null ? [[k, view[k]]] : [])),
  );
  const t = view.tags;
  if (!t) return stream;
  const joined = (v: string[] | null) => (v ? v.join(VALUE_SEPARATOR) : undefined);
  const albumArtist = joined(t.albumArtists);
  return {
    ...stream,
    title: joined(t.title),
    artist: joined(t.artists),
    artists: t.artists ?? undefined,
    albumArtist,
    albumArtists: t.albumArtists ?? undefined,
    album: joined(t.album),
    trackNumber: t.trackNumber ?? undefined,
    trackTotal: t.trackTotal ?? undefined,
    discNumber: t.discNumber ?? undefined,
    discTotal: t.discTotal ?? undefined,
    year: t.year ?? undefined,
    genre: joined(t.genres),
    genres: t.genres ?? undefined,
    compilation: isCompilation({ compilation: t.compilation, albumArtist }),
  };
}
