"""dancekit: music to dance, dance to video, and the field's evaluation, in one package.

:class:`Motion`, :class:`Skeleton` and :func:`get_skeleton` load on first use, so that
importing a submodule (the ``dancekit`` command's ``--help``, the error types) does not pay
for numpy and scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dancekit.errors import (
    AudioDecodeError,
    CheckpointError,
    DancekitError,
    DataFormatError,
    ParameterError,
)

if TYPE_CHECKING:
    from dancekit.motion import Motion, Skeleton, get_skeleton

__version__ = "0.1.0"

_LAZY = {"Motion", "Skeleton", "get_skeleton"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("dancekit.motion"), name)
    raise AttributeError(f"module 'dancekit' has no attribute {name!r}")


__all__ = [
    "AudioDecodeError",
    "CheckpointError",
    "DancekitError",
    "DataFormatError",
    "Motion",
    "ParameterError",
    "Skeleton",
    "__version__",
    "get_skeleton",
]
