"""Songs the page dances to: uploads kept in the server's private folder, and the bundled demo.

An upload is judged by its bytes, never by its name: its first bytes must be one of the audio
containers below, and ffmpeg must then find an audio stream in it
(:func:`dancekit.audio.loading.probe`). The file is stored under a random name of our own, so
nothing the browser sends ever becomes part of a path.
"""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from dancekit.errors import AudioDecodeError, ParameterError
from dancekit.utils import atomic_output

DEMO_SONG = Path(__file__).resolve().parents[1] / "assets" / "demo_song.ogg"
DEMO_ID = "demo"
#: Largest upload taken: a 10-minute WAV at CD quality is about 106 MB.
MAX_UPLOAD_BYTES = 120 * 1024 * 1024
#: Uploads kept at once; the oldest goes when a new one would pass it.
MAX_SONGS = 64
_ID = re.compile(r"[0-9a-f]{32}")


def sniff(head: bytes) -> str | None:
    """The audio container the first bytes of a file announce (its file suffix), or None.

    Only containers ffmpeg decodes and people keep songs in; checked before ffmpeg sees the
    file, so a renamed executable or web page is refused without being parsed.
    """
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return ".wav"
    if head[:4] == b"OggS":
        return ".ogg"
    if head[:4] == b"fLaC":
        return ".flac"
    if head[:4] in (b"FORM",) and head[8:12] in (b"AIFF", b"AIFC"):
        return ".aiff"
    if head[4:8] == b"ftyp":
        return ".m4a"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return ".mp3"
    return None


@dataclass(frozen=True)
class Song:
    """A song on the server: ``id`` is what the page names it by, ``name`` what to show."""

    id: str
    path: Path
    name: str
    seconds: float | None


class Songs:
    """The uploads in ``folder`` (the server's private temporary folder) and the demo song."""

    def __init__(self, folder: Path, *, max_bytes: int = MAX_UPLOAD_BYTES,
                 max_songs: int = MAX_SONGS) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.max_songs = max_songs
        self._songs: dict[str, Song] = {}
        self._lock = threading.Lock()

    def demo(self) -> Song:
        from dancekit.audio.loading import probe

        return Song(DEMO_ID, DEMO_SONG, "demo song (pop, 113 bpm)", probe(DEMO_SONG)[1])

    def get(self, song_id: str) -> Song:
        """The song ``song_id`` names; a ParameterError for any other text."""
        if song_id == DEMO_ID:
            return self.demo()
        with self._lock:
            song = self._songs.get(song_id) if _ID.fullmatch(song_id or "") else None
        if song is None:
            raise ParameterError("no such song on this server: upload it again")
        return song

    def add(self, data: bytes, name: str) -> Song:
        """Store an upload after checking its content; the stored file has a random name.

        Raises
        ------
        ParameterError
            Empty or larger than ``max_bytes``.
        AudioDecodeError
            Not an audio container we take, or ffmpeg finds no audio in it.
        """
        from dancekit.audio.loading import probe

        if not data:
            raise ParameterError("the file is empty")
        if len(data) > self.max_bytes:
            raise ParameterError(f"the file is larger than {self.max_bytes // 2**20} MB")
        suffix = sniff(data[:16])
        if suffix is None:
            raise AudioDecodeError("this is not an audio file (WAV, MP3, OGG, FLAC, AIFF or "
                                   "M4A): its content says otherwise, whatever its name")
        song_id = secrets.token_hex(16)
        path = self.folder / f"{song_id}{suffix}"
        path.write_bytes(data)
        try:
            seconds = probe(path)[1]
        except AudioDecodeError:
            path.unlink()
            raise AudioDecodeError("cannot read this file as audio: it is damaged or holds "
                                   "no sound") from None
        return self._keep(Song(song_id, path, display_name(name), seconds))

    def register(self, path: Path, name: str) -> Song:
        """A song file of the server's data folder (a dataset's music), named by an id of its
        own: the same file keeps its id, and the file is never moved or removed."""
        from dancekit.audio.loading import probe

        with self._lock:
            known = next((s for s in self._songs.values() if s.path == path), None)
        if known is not None:
            return known
        return self._keep(Song(secrets.token_hex(16), path, name, probe(path)[1]))

    def excerpt(self, source: Path, start: float, end: float, name: str) -> Song:
        """The part of a data-folder song from ``start`` to ``end`` seconds, as a WAV file of
        the private folder: what a dance captured to that part of the song was danced to, so
        the page plays that dance and any model's dance to this song from the same moment.
        The same part keeps its id; it goes with the other uploads when it is the oldest.

        Raises
        ------
        AudioDecodeError
            The song cannot be decoded.
        """
        import hashlib

        import soundfile

        from dancekit.audio.loading import load

        key = hashlib.sha256(f"{source.resolve()}|{start:.6f}|{end:.6f}".encode()).hexdigest()
        song_id = key[:32]
        with self._lock:
            known = self._songs.get(song_id)
        if known is not None:
            return known
        audio = load(source, max_seconds=end)
        first = min(max(round(start * audio.sr), 0), len(audio.samples))
        part = audio.samples[first:round(end * audio.sr)]
        path = self.folder / f"{song_id}.wav"
        with atomic_output(path) as tmp:
            soundfile.write(tmp, part, audio.sr, subtype="PCM_16", format="WAV")
        return self._keep(Song(song_id, path, name, len(part) / audio.sr))

    def _keep(self, song: Song) -> Song:
        """Remember ``song``, forgetting the oldest beyond ``max_songs`` (and removing it
        where it is an upload of ours)."""
        with self._lock:
            self._songs[song.id] = song
            while len(self._songs) > self.max_songs:
                oldest = self._songs.pop(next(iter(self._songs)))
                if oldest.path.parent == self.folder:
                    oldest.path.unlink(missing_ok=True)
        return song


def display_name(name: str) -> str:
    """The browser's file name cut to its last part, printable and at most 80 characters:
    for showing only, never for a path."""
    base = re.split(r"[\\/]", name or "")[-1]
    clean = "".join(c for c in base if c.isprintable())[:80].strip()
    return clean or "uploaded song"
