"""Small shared helpers: atomic output files, progress bars and thread-count-free numbers."""

from __future__ import annotations

import contextlib
import glob
import importlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from dancekit.errors import DataFormatError, ParameterError

T = TypeVar("T")


def existing_file(path: str | os.PathLike, *, what: str = "file",
                  error: type[DataFormatError] = DataFormatError) -> Path:
    """``path`` as a :class:`Path` if it names an existing, non-empty file.

    Raises ``error`` (a :class:`DataFormatError`; readers of a kind pass their own subclass,
    e.g. :class:`~dancekit.errors.AudioDecodeError`) naming the path when it is missing, a
    directory or empty; ``what`` says what kind of file was expected.
    """
    path = Path(path)
    if not path.exists():
        raise error(f"{what} not found: {path}")
    if path.is_dir():
        raise error(f"{path} is a directory; expected a single {what}")
    if path.stat().st_size == 0:
        raise error(f"{what} is empty (0 bytes): {path}")
    return path


def check_output_path(path: str | os.PathLike, suffixes: Iterable[str] | None = None) -> Path:
    """Fail early, before any work, on an output that could not be written.

    Checks that the directory exists and that we may create files in it, and, with
    ``suffixes`` (lower-case, with the dot), that the extension is one of them. Returns
    ``path`` as a :class:`Path`.
    """
    path = Path(path)
    if suffixes is not None:
        allowed = list(suffixes)
        if path.suffix.lower() not in allowed:
            raise ParameterError(f"cannot write {path.name!r}: unknown extension "
                                 f"{path.suffix or '(none)'!r} (use {', '.join(allowed)})")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ParameterError(f"output directory does not exist: {parent}")
    if not can_create_in(parent):
        raise ParameterError(f"cannot write to the output directory {parent}: permission "
                             f"denied or read-only")
    return path


def can_create_in(folder: Path) -> bool:
    """Whether a file can be created in ``folder``, by creating (and removing) one: the
    permission bits alone would say yes to root on a read-only mount."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        fd, probe = tempfile.mkstemp(prefix=".dancekit-write-check.", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only on success.

    A failed or interrupted write leaves no partial file: the temporary file is removed and
    any existing ``path`` is untouched. The temporary name keeps the extension (or ``suffix``)
    so writers that choose a format by extension (ffmpeg, imageio) still work.

    A process killed outright (SIGKILL, a power cut) cannot clean up, so the temporary name,
    ``.<name>.dancekit-tmp-<pid>-<random><ext>``, records its writer: the next write to the
    same ``path`` removes the leftovers of writers that are no longer running.
    """
    path = check_output_path(path)
    parent = path.parent
    ext = suffix if suffix is not None else "".join(path.suffixes[-1:])
    prefix = f".{path.name}{_TMP_MARK}"
    _sweep_stale(parent, prefix)
    fd, tmp = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}-", suffix=ext, dir=parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates 0600; give the result the mode a plain open() would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


_TMP_MARK = ".dancekit-tmp-"


def _sweep_stale(parent: Path, prefix: str) -> None:
    """Delete ``prefix<pid>-*`` files in ``parent`` whose writer process has ended."""
    for name in glob.glob(glob.escape(prefix) + "*", root_dir=parent):
        pid_text = name[len(prefix):].split("-", 1)[0]
        if pid_text.isdigit() and not _running(int(pid_text)):
            with contextlib.suppress(OSError):
                (parent / name).unlink()


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists (a process of another user counts as running)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def progress(items: Iterable[T], *, total: int | None = None, description: str = "",
             disable: bool = False) -> Iterator[T]:
    """Iterate with a rich progress bar on stderr (elapsed, ETA); silent when ``disable``."""
    if disable:
        yield from items
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(),
               MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)


@contextlib.contextmanager
def single_threaded(*, torch: bool = False) -> Iterator[None]:
    """Run the block with one thread in the BLAS and OpenMP pools, and in torch if ``torch``.

    A multi-threaded matrix product or convolution splits its work by the number of threads,
    which changes the order, and so the rounding, of its sums: its last bits, and everything
    computed from them (beat times, features, a dance), would depend on the thread count.
    Inside this block they do not: same input, same output. It also works as a decorator.
    Only libraries loaded when the block starts are limited, so code that imports torch
    inside the block enters it again with ``torch=True`` where it runs torch.
    """
    from threadpoolctl import threadpool_limits

    module = importlib.import_module("torch") if torch else None
    threads = module.get_num_threads() if module else 0
    with threadpool_limits(limits=1):
        if module:
            module.set_num_threads(1)
        try:
            yield
        finally:
            if module:
                module.set_num_threads(threads)
