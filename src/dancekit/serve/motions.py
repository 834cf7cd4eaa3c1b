"""Existing motions the page opens: uploaded files (dancekit NPZ or JSON, BVH, AIST++ pickles)
and the entries of a data folder given at start (``dancekit serve --data DIR``: ballroom
sequence folders and motion files).

An upload is judged by its bytes as songs are: its first bytes must announce one of the
formats below, it is stored under a random name of our own, and it is read by dancekit's own
readers (pickles through the data-only unpickler, :func:`dancekit.io.load_pickle`). A data
folder entry is named by its path inside the folder as listed by the server; the page can
only pick from that list, so no path is ever built from what a browser sent.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dancekit.errors import AudioDecodeError, DancekitError, DataFormatError, ParameterError
from dancekit.serve.jobs import Job, Opening
from dancekit.serve.songs import Songs, display_name

if TYPE_CHECKING:
    from dancekit.motion import Motion

#: Largest motion file taken: an hour of SMPL poses at 60 fps is about 8 MB as a pickle.
MAX_MOTION_BYTES = 32 * 1024 * 1024
#: Entries listed from a data folder at most (folders are searched two levels deep).
MAX_ENTRIES = 2000
MOTION_SUFFIXES = (".bvh", ".npz", ".json", ".pkl", ".pickle")
_GENRES = {"W": "waltz", "R": "rumba", "C": "cha-cha", "T": "tango"}


def sniff_motion(head: bytes) -> str | None:
    """The motion format the first bytes of a file announce (its file suffix), or None."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:4] == b"PK\x03\x04":
        return ".npz"
    if text[:9].upper() == b"HIERARCHY":
        return ".bvh"
    if len(head) > 1 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return ".pkl"
    if text[:1] == b"{":
        return ".json"
    return None


def store_upload(folder: Path, data: bytes, name: str, max_bytes: int) -> Opening:
    """Keep an uploaded motion file in ``folder`` under a random name, after checking its
    size and first bytes (ParameterError, DataFormatError); it is read by the job."""
    if not data:
        raise ParameterError("the file is empty")
    if len(data) > max_bytes:
        raise ParameterError(f"the file is larger than {max_bytes // 2**20} MB")
    suffix = sniff_motion(data[:32])
    if suffix is None:
        raise DataFormatError("this is not a motion file (BVH, dancekit NPZ or JSON, AIST++ "
                              "pickle): its content says otherwise, whatever its name")
    path = folder / f"{secrets.token_hex(16)}{suffix}"
    path.write_bytes(data)
    return Opening(path, display_name(name), None, upload=True)


class DataFolder:
    """The motions in a folder on the server: ballroom sequence folders and motion files, in
    the folder and one level below it, each named by its path inside the folder."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def entries(self) -> dict[str, Path]:
        """Entry name -> path, sorted by name (empty without a folder)."""
        if self.folder is None:
            return {}
        found: dict[str, Path] = {}
        for path in self._candidates():
            if len(found) >= MAX_ENTRIES:
                break
            found[path.relative_to(self.folder).as_posix()] = path
        return dict(sorted(found.items()))

    def _candidates(self):
        assert self.folder is not None
        for level in (self.folder, *sorted(p for p in self.folder.iterdir() if _dir(p))):
            for path in sorted(level.iterdir()):
                if _dir(path) and (path / "skeletons.json").is_file():
                    yield path
                elif path.is_file() and path.suffix.lower() in MOTION_SUFFIXES \
                        and path.name not in ("skeletons.json", "config.json"):
                    yield path

    def listing(self) -> list[dict[str, object]]:
        """What the page shows of each entry: its name, kind and whether it has music."""
        return [{"id": name, "name": describe(name, path), "kind": _kind(path),
                 "music": (path / "audio.mp3").is_file()}
                for name, path in self.entries().items()]

    def opening(self, entry: str) -> Opening:
        """The job that opens ``entry`` (a name from :meth:`entries`); ParameterError for any
        other text. A ballroom sequence's music is found when the job reads it."""
        path = self.entries().get(entry)
        if path is None:
            raise ParameterError("no such entry in the server's data folder")
        return Opening(path, describe(entry, path), None)


def _read(path: Path, job: Job, songs: Songs) -> Motion:
    """The motion at ``path``; for a ballroom folder with music, on its clock, with
    ``job.music`` set to the part of the song it goes with. Every ballroom folder's floor is
    levelled (its capture drifts up; ``docs/ballroom_data.md``)."""
    from dancekit.data.ballroom import ballroom_sequence
    from dancekit.io import load_motion
    from dancekit.motion.processing import level_floor

    if not (path.is_dir() and (path / "audio.mp3").is_file()):
        motion = load_motion(path)
        if path.is_dir() and motion.meta.get("format") == "ballroom":
            motion = level_floor(motion)
        return motion
    pair = ballroom_sequence(path)
    try:
        job.music = songs.excerpt(pair.audio, pair.start, pair.end, f"{path.name} music")
    except AudioDecodeError:  # a damaged song: show the dance on its clock, without music
        job.meta["music_error"] = "its music could not be decoded"
    job.meta["music_start"] = round(pair.start, 3)
    return pair.motion


def describe(name: str, path: Path) -> str:
    """A ballroom sequence with its dance (``DANCE_C_2`` is cha-cha), else the name."""
    genre = re.fullmatch(r"DANCE_([WRCT])_\d+", path.name)
    return f"{name} ({_GENRES[genre[1]]})" if genre and path.is_dir() else name


def _dir(path: Path) -> bool:
    return path.is_dir() and not path.name.startswith(".")


def _kind(path: Path) -> str:
    return "ballroom" if path.is_dir() else path.suffix.lower().lstrip(".")


def open_motion(job: Job, say: Callable[[str], None], songs: Songs) -> None:
    """Read the job's motion file or folder and keep it as ``dance.npz`` for the viewer and
    the downloads; an upload is removed once read, whatever the outcome. A ballroom sequence
    with music comes on its clock (:func:`dancekit.data.ballroom.ballroom_sequence`: the
    speed and the moment of its song it was danced to, its floor levelled), with that part
    of the song."""
    from dancekit.io import save_motion

    opening = job.request
    assert isinstance(opening, Opening)
    say("reading")
    try:
        motion = _read(opening.path, job, songs)
    except DancekitError as err:  # told by the name the page knows, not the server's path
        raise type(err)(str(err).replace(str(opening.path), opening.name)) from None
    finally:
        if opening.upload:
            opening.path.unlink(missing_ok=True)
    if motion.is_2d:
        raise DataFormatError("this file holds 2D keypoints (image pixels): the viewer shows "
                              "3D motion only")
    say("saving")
    save_motion(motion, job.folder / "dance.npz")
    job.meta.update(seconds=round(motion.duration, 3), fps=motion.fps)
