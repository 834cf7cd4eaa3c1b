"""A pickle reader that can only build data, never run code.

AIST++ ships its annotations as Python pickles that users download from the web. A plain
``pickle.load`` executes whatever callable the file names, so a tampered file could run
arbitrary code. :func:`load_pickle` resolves only the globals needed to rebuild numpy arrays,
dtypes and scalars (plus the pure ``_codecs.encode`` that protocol-2 pickles use for bytes);
containers, numbers and strings are built by pickle opcodes and need no globals at all.
Anything else stops the load with :class:`~dancekit.errors.DataFormatError`.
"""

from __future__ import annotations

import functools
import io
import math
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np

from dancekit.errors import DataFormatError
from dancekit.io.common import MAX_ARRAY_BYTES

# (module, name) pairs a numpy-array pickle may reference; numpy 1.x writes ``numpy.core``,
# numpy 2.x ``numpy._core``.
_ALLOWED: frozenset[tuple[str, str]] = frozenset(
    [(mod, name)
     for mod in ("numpy.core.multiarray", "numpy._core.multiarray")
     for name in ("_reconstruct", "scalar")]
    + [(mod, "_frombuffer") for mod in ("numpy.core.numeric", "numpy._core.numeric")]
    + [("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode"),
       ("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset"),
       ("builtins", "bytearray"), ("builtins", "complex")]
)


def _checked_reconstruct(reconstruct: Any, subtype: Any, shape: Any, dtype: Any) -> Any:
    """numpy's ``_reconstruct``, refusing a shape whose array would exceed
    :data:`~dancekit.io.common.MAX_ARRAY_BYTES` before numpy allocates it."""
    itemsize = np.dtype(dtype).itemsize
    if math.prod(shape) * itemsize > MAX_ARRAY_BYTES:
        raise pickle.UnpicklingError(f"an array of shape {tuple(shape)} exceeds the "
                                     f"{MAX_ARRAY_BYTES / 2**30:g} GiB limit")
    return reconstruct(subtype, shape, dtype)


class _DataOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            found = super().find_class(module, name)
            return functools.partial(_checked_reconstruct, found) \
                if name == "_reconstruct" else found
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")

    def persistent_load(self, pid: Any) -> Any:
        raise pickle.UnpicklingError("refusing persistent ids")


def load_pickle(path: str | os.PathLike) -> Any:
    """Read a pickle that may contain only numpy arrays, numbers, strings, bytes and plain
    containers.

    Parameters
    ----------
    path : path-like
        The pickle file.

    Returns
    -------
    object
        The unpickled data (typically a dict of arrays).

    Raises
    ------
    DataFormatError
        If the file is missing, empty, truncated or corrupt, or names anything other than the
        numpy reconstruction helpers (for example a function that would run code).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_ARRAY_BYTES:
            raise DataFormatError(f"{path} is {size / 2**30:.1f} GiB, over the "
                                  f"{MAX_ARRAY_BYTES / 2**30:g} GiB limit for a pickle")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFormatError(f"file not found: {path}") from None
    except OSError as err:
        raise DataFormatError(f"cannot read {path}: {err.strerror or err}") from None
    if not raw:
        raise DataFormatError(f"{path} is empty")
    try:
        return _DataOnlyUnpickler(io.BytesIO(raw)).load()
    except pickle.UnpicklingError as err:
        raise DataFormatError(f"{path} is not a safe data pickle: {err}") from None
    except Exception as err:
        # only data-building code can run here, so whatever it raises (a LookupError from
        # a damaged codec name, a TypeError from wrong arguments...) means a corrupt file
        kind = "truncated" if isinstance(err, EOFError) else "corrupt"
        raise DataFormatError(f"{path} is a {kind} pickle ({type(err).__name__}: {err})") from None
