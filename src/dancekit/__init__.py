"""dancekit: music to dance, dance to video, and the field's evaluation, in one package.

:func:`dance` (music to a :class:`Motion`, as ``dancekit dance`` makes it), :class:`Music`
(a song analysed once), :class:`Motion`, :class:`Skeleton` and :func:`get_skeleton` load on
first use, so that importing a submodule (the ``dancekit`` command's ``--help``, the error
types) does not pay for numpy, scipy or torch.
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
    from dancekit.audio.features import Music
    from dancekit.motion import Motion, Skeleton, get_skeleton
    from dancekit.pipeline import dance

__version__ = "0.1.0"

_LAZY = {"Motion": "dancekit.motion", "Skeleton": "dancekit.motion",
         "get_skeleton": "dancekit.motion", "Music": "dancekit.audio.features",
         "dance": "dancekit.pipeline"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'dancekit' has no attribute {name!r}")


__all__ = [
    "AudioDecodeError",
    "CheckpointError",
    "DancekitError",
    "DataFormatError",
    "Motion",
    "Music",
    "ParameterError",
    "Skeleton",
    "__version__",
    "dance",
    "get_skeleton",
]
