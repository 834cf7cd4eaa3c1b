"""Where dancekit and the libraries it drives keep caches, chosen so that a read-only home
(containers, locked-down accounts) slows nothing down to a crash.

numba, under librosa, compiles some functions with ``cache=True`` and raises
``RuntimeError: cannot cache function`` at import when neither the installed package's
folder nor ``~/.cache/numba`` can be written; :func:`prepare_numba_cache` points
``NUMBA_CACHE_DIR`` at a writable folder before librosa is first imported.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dancekit.utils import can_create_in


def writable_dir(path: Path) -> bool:
    """Whether ``path`` exists or can be created, and a file can be made in it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return can_create_in(path)


def _user_cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def _temp_cache_root() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"dancekit-cache-{uid}"


def user_cache_dir(name: str) -> Path:
    """``~/.cache/dancekit/<name>`` (``$XDG_CACHE_HOME`` honoured) when it can be written,
    else a per-user folder under the system temp directory."""
    preferred = _user_cache_root() / "dancekit" / name
    return preferred if writable_dir(preferred) else _temp_cache_root() / name


def prepare_numba_cache() -> None:
    """Set ``NUMBA_CACHE_DIR`` to a writable folder when neither the one it names nor
    numba's own per-user folder can be written (numba reads it once, at import)."""
    given = os.environ.get("NUMBA_CACHE_DIR")
    if given and writable_dir(Path(given)):
        return
    if not given and writable_dir(_user_cache_root() / "numba"):
        return
    fallback = _temp_cache_root() / "numba"
    if writable_dir(fallback):
        os.environ["NUMBA_CACHE_DIR"] = str(fallback)
