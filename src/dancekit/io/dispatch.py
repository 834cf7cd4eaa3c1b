"""One entry point for every motion file: :func:`load_motion`, :func:`save_motion` and
:func:`detect_format`, choosing the format by extension and, where an extension is shared,
by content (``.pkl``: which AIST++ annotation; ``.json``: ours or a ballroom
``skeletons.json``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from dancekit.errors import DataFormatError, ParameterError
from dancekit.io import aistpp, ballroom, bvh, native
from dancekit.io.common import read_text
from dancekit.motion.core import Motion
from dancekit.utils import existing_file

READ_FORMATS = ("npz", "json", "bvh", "aistpp_motion", "aistpp_keypoints3d",
                "aistpp_keypoints2d", "ballroom")
WRITE_EXTENSIONS = {".npz": "npz", ".json": "json", ".bvh": "bvh"}
_PICKLE_EXTENSIONS = (".pkl", ".pickle")


def detect_format(path: str | os.PathLike) -> str:
    """Name the format of a motion file or folder (one of :data:`READ_FORMATS`).

    Raises
    ------
    DataFormatError
        If the file is missing, empty or its content matches no format its extension allows.
    ParameterError
        If the extension is not one dancekit reads.
    """
    path = Path(path)
    if path.is_dir() or path.name == "skeletons.json":
        ballroom.find_sequence_files(path)
        return "ballroom"
    ext = path.suffix.lower()
    if not ext and not path.exists():
        existing_file(path)  # "not found" says more than "no extension"
    if ext not in (".npz", ".json", ".bvh", *_PICKLE_EXTENSIONS):
        raise ParameterError(f"unknown motion format {ext or '(no extension)'!r} for {path} "
                             "(readable: .npz, .json, .bvh, AIST++ .pkl, ballroom folders)")
    existing_file(path)
    if ext in _PICKLE_EXTENSIONS:
        return _pickle_kind(path, aistpp.read_aist_pickle(path))
    return ext[1:]


def _pickle_kind(path: Path, data: dict[str, Any]) -> str:
    kind = aistpp.aist_kind(data)
    if kind is None:
        raise DataFormatError(f"{path} is not an AIST++ annotation pickle (keys: "
                              f"{sorted(map(str, data))}; expected smpl_poses, keypoints3d "
                              "or keypoints2d)")
    return kind


def load_motion(path: str | os.PathLike, *, fps: float | None = None,
                view: int = 0) -> Motion:
    """Read any supported motion file into a :class:`Motion`.

    Parameters
    ----------
    path : path-like
        ``.npz`` / ``.json`` (dancekit), ``.bvh``, AIST++ ``motions``, ``keypoints3d`` or
        ``keypoints2d`` pickle, or a ballroom sequence folder (or its ``skeletons.json``).
    fps : float, optional
        Frame rate to assume instead of the file's own (no resampling; see
        :func:`dancekit.motion.resample` to change the frame count).
    view : int
        Camera view for AIST++ ``keypoints2d`` files (ignored by other formats).

    Returns
    -------
    Motion
        With ``meta["source"]`` (the path) and ``meta["format"]`` (see :func:`detect_format`).

    Raises
    ------
    DataFormatError
        Missing, empty, truncated or corrupt files, NaN values, wrong shapes.
    ParameterError
        Unknown extensions, bad ``fps`` or ``view``.
    """
    path = Path(path)
    if path.is_dir() or path.name == "skeletons.json":
        return ballroom.load_ballroom(path, fps=fps)
    fmt = path.suffix.lower()
    if fmt in _PICKLE_EXTENSIONS:
        detect_format(path)  # extension check and a clear error for a missing file
        data = aistpp.read_aist_pickle(path)
        kind = _pickle_kind(path, data)
        if kind == "aistpp_motion":
            return aistpp.load_aist_motion(path, fps=fps, data=data)
        if kind == "aistpp_keypoints3d":
            return aistpp.load_aist_keypoints3d(path, fps=fps, data=data)
        return aistpp.load_aist_keypoints2d(path, view=view, fps=fps, data=data)
    kind = detect_format(path)
    if kind == "npz":
        return native.read_npz(path, fps=fps)
    if kind == "bvh":
        return bvh.read_bvh(path, fps=fps)
    return _load_json(path, fps)


def _load_json(path: Path, fps: float | None) -> Motion:
    try:
        doc = json.loads(read_text(path))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
        raise DataFormatError(f"{path} is not valid JSON ({err}); truncated?") from None
    if isinstance(doc, dict) and "skeletons" in doc and "center" in doc:
        return ballroom.load_ballroom(path.parent, fps=fps)
    return native.motion_from_json_dict(doc, path, fps=fps)


def save_motion(motion: Motion, path: str | os.PathLike) -> dict[str, Any]:
    """Write ``motion`` to ``path``, the format chosen by extension (.npz, .json, .bvh).

    The file appears atomically: a failed write leaves nothing behind.

    Returns
    -------
    dict
        A small report: ``format``, ``path``, ``frames``, ``joints``; for BVH also ``ik``
        and ``fit_error_mean_m`` / ``fit_error_max_m`` (see :func:`dancekit.io.bvh.write_bvh`).

    Raises
    ------
    ParameterError
        Unknown extension, missing output directory, 2D motion to BVH.
    """
    if not isinstance(motion, Motion):
        raise ParameterError(f"save_motion needs a Motion, got {type(motion).__name__}")
    path = Path(path)
    fmt = WRITE_EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise ParameterError(f"cannot write {path.suffix or '(no extension)'!r} files "
                             f"({path}); choose .npz, .json or .bvh")
    if fmt == "npz":
        return native.write_npz(motion, path)
    if fmt == "json":
        return native.write_json(motion, path)
    return bvh.write_bvh(motion, path)
