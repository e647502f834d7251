"""What mutagen (Debian's python3-mutagen) reads from audio files: a second opinion on trackdrop's
tag reader, from a tagging library of another lineage, the one beets uses.

    /usr/bin/python3 test/support/mutagenView.py FILE...

prints one JSON object, by file: the tags as mutagen maps them (lists where the format holds
several values), the stream facts mutagen knows, and the front cover (else the first picture)
as its MIME type, length and SHA-256. A field mutagen does not read is null; `tags` is null
where mutagen reads no tags of that kind (RIFF INFO in WAV).
"""

import hashlib
import json
import re
import struct
import sys

import mutagen
from mutagen.aiff import AIFF
from mutagen.asf import ASF
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.wave import WAVE


def number_pair(text):
    """'5/12' as (5, 12); a part that is no positive number is None."""
    if text is None:
        return None, None
    parts = [p.strip() for p in str(text).split("/")] + [None]

    def positive(p):
        return int(p) if p and re.fullmatch(r"\d+", p) and int(p) > 0 else None

    return positive(parts[0]), positive(parts[1])


def year(text):
    match = re.match(r"\s*(\d{4})", str(text)) if text is not None else None
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def unique(values):
    """Values in order, each once: ASF repeats a title or author in two header objects."""
    seen = []
    for v in values:
        if v not in seen and v != "":
            seen.append(v)
    return seen or None


def picture(mime, data):
    return {"mime": mime.lower(), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def front(pictures):
    """(type, mime, data) tuples: the front cover (type 3), else the first."""
    chosen = next((p for p in pictures if p[0] == 3), pictures[0] if pictures else None)
    return picture(chosen[1], chosen[2]) if chosen else None


def id3_view(tags):
    def texts(frame_id):
        frame = tags.get(frame_id)
        return unique([str(t) for t in frame.text]) if frame is not None else None

    def first(frame_id):
        values = texts(frame_id)
        return values[0] if values else None

    track, tracks = number_pair(first("TRCK"))
    disc, discs = number_pair(first("TPOS"))
    genre = tags.get("TCON")
    return {
        "title": texts("TIT2"),
        "artists": texts("TPE1"),
        "albumArtists": texts("TPE2"),
        "album": texts("TALB"),
        "trackNumber": track,
        "trackTotal": tracks,
        "discNumber": disc,
        "discTotal": discs,
        "year": year(first("TDRC") or first("TYER")),
        "genres": unique(genre.genres) if genre is not None else None,
        "compilation": first("TCMP") == "1",
    }, front([(p.type, p.mime, p.data) for p in tags.getall("APIC")])


def vorbis_view(tags, pictures):
    def texts(*keys):
        for key in keys:
            if key in tags:
                return unique(tags[key])
        return None

    def first(*keys):
        values = texts(*keys)
        return values[0] if values else None

    track, tracks = number_pair(first("tracknumber"))
    disc, discs = number_pair(first("discnumber"))
    return {
        "title": texts("title"),
        "artists": texts("artist"),
        "albumArtists": texts("albumartist", "album artist"),
        "album": texts("album"),
        "trackNumber": track,
        "trackTotal": tracks or number_pair(first("tracktotal", "totaltracks"))[0],
        "discNumber": disc,
        "discTotal": discs or number_pair(first("disctotal", "totaldiscs"))[0],
        "year": year(first("date", "year")),
        "genres": texts("genre"),
        "compilation": first("compilation") == "1",
    }, front([(p.type, p.mime, p.data) for p in pictures])


def mp4_view(tags):
    def texts(key):
        return unique([str(v) for v in tags[key]]) if key in tags else None

    def pair(key):
        n, of = tags[key][0] if key in tags else (0, 0)
        return (n or None), (of or None)

    track, tracks = pair("trkn")
    disc, discs = pair("disk")
    covers = [(3, "image/png" if c.imageformat == c.FORMAT_PNG else "image/jpeg", bytes(c)) for c in tags.get("covr", [])]
    return {
        "title": texts("\xa9nam"),
        "artists": texts("\xa9ART"),
        "albumArtists": texts("aART"),
        "album": texts("\xa9alb"),
        "trackNumber": track,
        "trackTotal": tracks,
        "discNumber": disc,
        "discTotal": discs,
        "year": year(texts("\xa9day")[0] if "\xa9day" in tags else None),
        "genres": texts("\xa9gen"),
        "compilation": bool(tags.get("cpil")),
    }, front(covers)


def asf_pictures(values):
    """WM/Picture: type, image length, MIME type and description (UTF-16, NUL-ended), image."""
    out = []
    for value in values:
        raw = bytes(value.value)
        kind, length = struct.unpack_from("<BI", raw)
        mime_end = next(i for i in range(5, len(raw) - 1, 2) if raw[i : i + 2] == b"\0\0")
        desc_end = next(i for i in range(mime_end + 2, len(raw) - 1, 2) if raw[i : i + 2] == b"\0\0")
        out.append((kind, raw[5:mime_end].decode("utf-16-le"), raw[desc_end + 2 : desc_end + 2 + length]))
    return out


def asf_view(tags):
    def texts(*keys):
        values = [str(v) for key in keys for v in tags.get(key, [])]
        return unique(values)

    def first(*keys):
        values = texts(*keys)
        return values[0] if values else None

    track, tracks = number_pair(first("WM/TrackNumber"))
    disc, discs = number_pair(first("WM/PartOfSet"))
    compilation = tags.get("WM/IsCompilation")
    return {
        "title": texts("Title", "title"),
        "artists": texts("Author", "author"),
        "albumArtists": texts("WM/AlbumArtist"),
        "album": texts("WM/AlbumTitle"),
        "trackNumber": track,
        "trackTotal": tracks,
        "discNumber": disc,
        "discTotal": discs,
        "year": year(first("WM/Year")),
        "genres": texts("WM/Genre"),
        "compilation": bool(compilation and compilation[0].value),
    }, front(asf_pictures(tags.get("WM/Picture", [])))


def view(path):
    f = mutagen.File(path)
    info = f.info
    if isinstance(f, MP4):
        tags, cover = mp4_view(f.tags or {})
    elif isinstance(f, ASF):
        tags, cover = asf_view(f.tags)
    elif isinstance(f, (AIFF, WAVE)) or hasattr(f.tags, "getall"):
        # ID3v2 (in MP3, or in an AIFF or WAV chunk); mutagen reads no RIFF INFO.
        tags, cover = id3_view(f.tags) if f.tags is not None else (None, None)
    else:
        tags, cover = vorbis_view(f.tags or {}, getattr(f, "pictures", []))
    pcm = isinstance(f, (AIFF, WAVE))
    return {
        "tags": tags,
        "cover": cover,
        # Opus has no sample rate in mutagen (the header's is the encoder's input rate).
        "sampleRate": None if isinstance(f, OggOpus) else getattr(info, "sample_rate", None),
        "channels": getattr(info, "channels", None),
        # Exact only for PCM (rate × bits × channels); other formats' figures are estimates.
        "bitrate": info.bitrate if pcm else None,
        "seconds": info.length,
    }


if __name__ == "__main__":
    json.dump({path: view(path) for path in sys.argv[1:]}, sys.stdout, ensure_ascii=False)
