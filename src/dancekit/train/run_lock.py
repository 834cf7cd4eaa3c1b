"""One ``dancekit train`` per run folder at a time."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from dancekit.errors import ParameterError

LOCK_FILE = ".lock"


@contextlib.contextmanager
def run_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder/.lock`` (which names the holder's pid) while the
    block runs. Two runs writing one folder would interleave their logs and checkpoints; the
    second is refused instead. The operating system drops the lock when the process ends,
    killed or not, so a crashed run never leaves the folder locked."""
    import fcntl

    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise ParameterError(f"run folder {folder} is in use by another training "
                                 f"(pid {holder}); wait for it or choose another --out"
                                 ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
