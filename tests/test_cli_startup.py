"""The ``dancekit`` command starts without the numeric stack: ``--help`` and argument errors
must not wait for numpy, scipy, torch or librosa, which each command imports when it runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("numpy", "scipy", "torch", "librosa", "numba", "cv2", "soundfile", "rich")


def _modules_after(code: str) -> set[str]:
    """Top-level modules loaded by a fresh interpreter after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


def test_importing_the_cli_loads_no_heavy_module() -> None:
    loaded = _modules_after("import dancekit.cli")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_help_loads_no_heavy_module() -> None:
    code = ("import sys\nfrom dancekit.cli import app\n"
            "sys.argv = ['dancekit', '--help']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass")
    loaded = _modules_after(code)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_the_package_still_offers_motion_lazily() -> None:
    code = ("import dancekit\nfrom dancekit import Motion, get_skeleton\n"
            "assert Motion.__module__ == 'dancekit.motion.core'\n"
            "assert get_skeleton('smpl24').num_joints == 24")
    assert "numpy" in _modules_after(code)


def _page_faults_of_evaluate(capture: Path, tuned: bool) -> int:
    """Minor page faults of ``evaluate`` on 20 windows of a real capture, fresh interpreter."""
    code = ("import resource\nfrom dancekit.cli.allocator import keep_freed_memory\n"
            "from dancekit.io import load_motion\nfrom dancekit.metrics import evaluate\n"
            f"assert keep_freed_memory() if {tuned} else True\n"
            f"m = load_motion({str(capture)!r})\n"
            "w = [m[k:k + 1200] for k in range(0, 1000, 50)]\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
            "evaluate(w[::2], w[1::2], bootstrap=0)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return int(out.split()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator only")
def test_the_command_reuses_freed_arrays_instead_of_faulting_them_in_again(
        ballroom_dir: Path) -> None:
    capture = ballroom_dir / "DANCE_C_2"
    untuned = _page_faults_of_evaluate(capture, False)
    tuned = _page_faults_of_evaluate(capture, True)
    assert tuned * 2 < untuned, (tuned, untuned)
