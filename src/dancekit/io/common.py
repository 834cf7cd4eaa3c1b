"""Checks and conversions shared by the readers and writers of :mod:`dancekit.io`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.motion.core import Motion

#: Largest text file (JSON, BVH) a reader parses: parsing costs many times the text's size
#: in Python objects, and a 10^6-frame JSON export is about 0.6 GiB.
MAX_TEXT_BYTES = 1 << 30
#: Most bytes of array data a reader allocates for one file, checked against what the file
#: declares before anything is read (an .npz header or a zip member can claim terabytes).
MAX_ARRAY_BYTES = 4 << 30


def read_text(path: Path, *, errors: str = "strict") -> str:
    """The UTF-8 text of ``path``, refusing files over :data:`MAX_TEXT_BYTES` before reading
    them; ``errors`` as for :meth:`bytes.decode` (strict: a UnicodeDecodeError)."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise DataFormatError(f"{path} is {size / 2**30:.1f} GiB, over the "
                                  f"{MAX_TEXT_BYTES / 2**30:g} GiB limit for text motion files")
        return path.read_text(encoding="utf-8", errors=errors)
    except OSError as err:
        raise DataFormatError(f"cannot read {path}: {err.strerror or err}") from None


def check_array_bytes(path: Path, nbytes: int, what: str) -> None:
    """Refuse ``what`` in ``path`` if it would take over :data:`MAX_ARRAY_BYTES`."""
    if nbytes > MAX_ARRAY_BYTES:
        raise DataFormatError(f"{path}: {what} would take {nbytes / 2**30:.1f} GiB, over the "
                              f"{MAX_ARRAY_BYTES / 2**30:g} GiB limit; the file is corrupt "
                              "or malicious")


def build_motion(path: Path, fmt: str, **fields: Any) -> Motion:
    """Construct a :class:`Motion`, turning a validation failure into a
    :class:`DataFormatError` that names the file (bad shapes, NaN, no frames)."""
    try:
        return Motion(**fields)
    except ParameterError as err:
        raise DataFormatError(f"{path}: not a valid {fmt} motion: {err}") from None


def jsonable(value: Any) -> Any:
    """A JSON-serialisable copy of ``value`` (numpy scalars and arrays become Python numbers
    and lists, paths and other objects their string form), so ``meta`` always survives
    saving."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def override_fps(declared: float, fps: float | None) -> float:
    """The frame rate to use: ``fps`` if given (validated), else the file's own."""
    if fps is None:
        return declared
    try:
        value = float(fps)
    except (TypeError, ValueError):
        raise ParameterError(f"fps must be a number, got {fps!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise ParameterError(f"fps must be positive, got {fps}")
    return value
