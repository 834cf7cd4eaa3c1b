"""The ``dancekit`` process ends without Python's teardown, yet keeps every promise of a
normal exit: the exit status, everything written to stdout and stderr, and the ``atexit``
handlers that libraries register."""

import json
import subprocess
import sys

import numpy as np
import pytest

from dancekit.cli.process_exit import exit_code
from dancekit.io import save_motion
from dancekit.motion import Motion

ENTRY = "from dancekit.cli import main; main()"


def _run(*args: str, prelude: str = "", **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", prelude + ENTRY, *args], capture_output=True,
                          text=True, timeout=300, **kwargs)


@pytest.mark.parametrize("code, status", [(None, 0), (0, 0), (2, 2), (1, 1), ("boom", 1)])
def test_exit_code_is_what_python_gives_system_exit(code, status):
    assert exit_code(code) == status


def test_atexit_handlers_still_run_and_output_is_flushed():
    done = _run("--version", prelude="import atexit; atexit.register(print, 'handler ran'); ")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [done.stdout.splitlines()[0], "handler ran"]
    assert done.stdout.startswith("dancekit ")


def test_bad_input_still_exits_2_with_its_one_line(tmp_path):
    done = _run("info", str(tmp_path / "missing.npz"))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1


def test_a_long_result_reaches_a_file_whole(tmp_path):
    """Block-buffered stdout (a file, not a terminal) is flushed before the process ends."""
    motion = Motion(np.random.default_rng(0).normal(size=(90, 24, 3)).astype("float32"),
                    30.0, "smpl24")
    save_motion(motion, tmp_path / "m.npz")
    out = tmp_path / "out.json"
    with out.open("w") as handle:
        done = subprocess.run([sys.executable, "-c", ENTRY, "info", "--json",
                               str(tmp_path / "m.npz")], stdout=handle, stderr=subprocess.PIPE,
                              text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["frames"] == 90
