"""The ballroom dataset of Tang, Jia & Mao ("Dance with Melody", ACM MM 2018) and its
``ballroom23`` skeleton.

A sequence folder ``DANCE_<W|R|C|T>_<n>`` holds ``skeletons.json`` (``center`` (T, 3) plus
joints relative to it (T, 23, 3), centimetres, y up), ``config.json`` (``start_position``,
``end_position``: the part of the song the dance matches, in units the authors do not state)
and, for some sequences, ``audio.mp3``. Motion is 25 fps.

The dataset does not document its joints. ``benchmarks/ballroom_skeleton.py`` derives the
bone structure from all 40 sequences (minimum spanning tree on the time variability of joint
distances, two anatomical corrections, names from mean positions in a body frame) and
``docs/ballroom_skeleton.md`` gives the evidence. The result is fixed here: ``BALLROOM23``
lists the joints parent first, and ``SOURCE_COLUMNS[j]`` is the dataset column of joint ``j``.
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
from dancekit.motion.skeletons import Skeleton, register_skeleton

BALLROOM_FPS = 25.0
GENRES = {"W": "waltz", "R": "rumba", "C": "cha-cha", "T": "tango"}

_JOINTS = (  # name, dataset column, parent name
    ("spine", 2, None),
    ("head", 1, "spine"),
    ("head_aux", 0, "spine"),
    ("right_shoulder", 3, "spine"),
    ("right_elbow", 4, "right_shoulder"),
    ("right_forearm", 5, "right_elbow"),
    ("right_wrist", 6, "right_forearm"),
    ("right_hand", 22, "right_wrist"),
    ("left_shoulder", 12, "spine"),
    ("left_elbow", 13, "left_shoulder"),
    ("left_forearm", 21, "left_elbow"),
    ("left_wrist", 14, "left_forearm"),
    ("left_hand", 15, "left_wrist"),
    ("right_hip", 7, "spine"),
    ("right_knee", 8, "right_hip"),
    ("right_ankle", 9, "right_knee"),
    ("right_heel", 10, "right_ankle"),
    ("right_toe", 11, "right_ankle"),
    ("left_hip", 16, "spine"),
    ("left_knee", 17, "left_hip"),
    ("left_ankle", 18, "left_knee"),
    ("left_heel", 19, "left_ankle"),
    ("left_toe", 20, "left_ankle"),
)
_NAMES = tuple(n for n, _, _ in _JOINTS)
SOURCE_COLUMNS: tuple[int, ...] = tuple(c for _, c, _ in _JOINTS)

# Rest pose: the mean pose in a body frame (x = dancer's left, y up, z forward), metres; each
# offset is the mean bone direction times the mean bone length over all 40 sequences
# (printed by benchmarks/ballroom_skeleton.py).
_OFFSETS = np.array([
    [0.0, 0.0, 0.0],
    [0.0165, 0.4889, -0.0537],  # head
    [-0.0628, 0.4797, -0.0692],  # head_aux
    [-0.1538, 0.2990, -0.0398],  # right_shoulder
    [-0.2478, -0.1714, 0.0199],  # right_elbow
    [-0.0121, -0.0063, 0.1161],  # right_forearm
    [0.0111, 0.0208, 0.1325],  # right_wrist
    [0.0262, -0.0079, 0.0370],  # right_hand
    [0.1323, 0.3196, -0.0519],  # left_shoulder
    [0.2497, -0.1585, 0.0234],  # left_elbow
    [0.0576, 0.0879, 0.0523],  # left_forearm
    [0.0370, 0.0385, 0.0256],  # left_wrist
    [0.0719, -0.0026, 0.0940],  # left_hand
    [-0.1001, -0.1441, -0.0422],  # right_hip
    [-0.0371, -0.4812, 0.0599],  # right_knee
    [0.0223, -0.3320, -0.0739],  # right_ankle
    [0.0674, -0.0647, -0.0565],  # right_heel
    [-0.0072, -0.1276, 0.1234],  # right_toe
    [0.1088, -0.1378, -0.0423],  # left_hip
    [0.0383, -0.4900, 0.0340],  # left_knee
    [-0.0293, -0.3334, -0.0929],  # left_ankle
    [-0.0799, -0.0539, -0.0633],  # left_heel
    [0.0193, -0.1171, 0.1174],  # left_toe
])

BALLROOM23 = register_skeleton(Skeleton(
    name="ballroom23",
    joints=_NAMES,
    parents=tuple(-1 if p is None else _NAMES.index(p) for _, _, p in _JOINTS),
    offsets=_OFFSETS,
    extra_bones=((_NAMES.index("left_shoulder"), _NAMES.index("right_shoulder")),
                 (_NAMES.index("left_hip"), _NAMES.index("right_hip"))),
))


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
    positions = (rel + center[:, None])[:, list(SOURCE_COLUMNS)] / 100.0
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
