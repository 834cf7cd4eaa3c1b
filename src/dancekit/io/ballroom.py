"""The ballroom dataset of Tang, Jia & Mao ("Dance with Melody", ACM MM 2018).

A sequence folder ``DANCE_<W|R|C|T>_<n>`` holds ``skeletons.json`` (``center`` (T, 3) plus
joints relative to it (T, 23, 3), centimetres, y up), ``config.json`` (``start_position``,
``end_position``: the part of the song the dance matches, in units the authors do not state)
and, for some sequences, ``audio.mp3``. Motion is 25 fps.

The dataset does not document its joints; the ``ballroom23`` skeleton derived from it, with
the dataset column of each joint, is data about a skeleton and lives in
:mod:`dancekit.motion.skeletons`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from dancekit.errors import DataFormatError
from dancekit.io.common import build_motion, override_fps, read_text
from dancekit.motion.core import Motion
from dancekit.motion.skeletons import BALLROOM23, BALLROOM23_COLUMNS

BALLROOM_FPS = 25.0
GENRES = {"W": "waltz", "R": "rumba", "C": "cha-cha", "T": "tango"}

def find_sequence_files(path: str | Path) -> Path:
    """The sequence folder for ``path`` (the folder itself or its ``skeletons.json``)."""
    path = Path(path)
    if not path.exists():
        raise DataFormatError(f"file not found: {path}")
    folder = path.parent if path.is_file() else path
    if not (folder / "skeletons.json").is_file():
        raise DataFormatError(f"{folder} is not a ballroom sequence folder "
                              "(no skeletons.json)")
    return folder


def load_ballroom(path: str | Path, *, fps: float | None = None) -> Motion:
    """Read a ballroom sequence as a ``ballroom23`` motion (metres, y up, 25 fps).

    Parameters
    ----------
    path : path-like
        The sequence folder (``DANCE_W_1``) or its ``skeletons.json``.
    fps : float, optional
        Frame rate to assume instead of 25 (frames are not resampled). Users of the dataset
        report waltz motion about 4x slower than its music; this lets you reinterpret it.

    Returns
    -------
    Motion
        ``meta``: ``source``, ``format`` ("ballroom"), ``sequence``, ``genre`` (waltz, rumba,
        cha-cha, tango), ``audio`` (path of ``audio.mp3`` or None where it is missing),
        ``start_position`` / ``end_position`` from ``config.json`` (None without one).
    """
    folder = find_sequence_files(path)
    skel_file = folder / "skeletons.json"
    doc = _read_json(skel_file)
    if not isinstance(doc, dict) or "skeletons" not in doc or "center" not in doc:
        raise DataFormatError(f"{skel_file}: expected keys 'center' and 'skeletons'")
    try:
        rel = np.asarray(doc["skeletons"], dtype=np.float64)
        center = np.asarray(doc["center"], dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise DataFormatError(f"{skel_file}: joints must be numbers ({err})") from None
    if rel.ndim != 3 or rel.shape[1:] != (23, 3):
        raise DataFormatError(f"{skel_file}: 'skeletons' has shape {rel.shape}, "
                              "expected (frames, 23, 3)")
    if center.shape != (rel.shape[0], 3):
        raise DataFormatError(f"{skel_file}: 'center' has shape {center.shape}, expected "
                              f"({rel.shape[0]}, 3)")
    if "length" in doc and doc["length"] != rel.shape[0]:
        raise DataFormatError(f"{skel_file}: 'length' says {doc['length']} frames but "
                              f"{rel.shape[0]} are stored; truncated?")
    positions = (rel + center[:, None])[:, list(BALLROOM23_COLUMNS)] / 100.0
    meta: dict[str, Any] = {"source": str(folder), "format": "ballroom",
                            "sequence": folder.name, "genre": _genre(folder.name),
                            "audio": None, "start_position": None, "end_position": None}
    audio = folder / "audio.mp3"
    if audio.is_file():
        meta["audio"] = str(audio)
    config = folder / "config.json"
    if config.is_file():
        cfg = _read_json(config)
        if not isinstance(cfg, dict):
            raise DataFormatError(f"{config}: expected a JSON object")
        meta["start_position"] = cfg.get("start_position")
        meta["end_position"] = cfg.get("end_position")
    return build_motion(skel_file, "ballroom", positions=positions,
                        fps=override_fps(BALLROOM_FPS, fps), skeleton=BALLROOM23, meta=meta)


def _genre(name: str) -> str | None:
    m = re.match(r"DANCE_([A-Z])_", name)
    return GENRES.get(m.group(1)) if m else None


def _read_json(path: Path) -> Any:
    try:
        text = read_text(path)
    except UnicodeDecodeError as err:
        raise DataFormatError(f"{path} is not UTF-8 text ({err})") from None
    if not text.strip():
        raise DataFormatError(f"{path} is empty")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        raise DataFormatError(f"{path} is not valid JSON ({err}); truncated?") from None
