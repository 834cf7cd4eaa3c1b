"""The ``dancekit`` command starts without the numeric stack: ``--help`` and argument errors
must not wait for numpy, scipy, torch or librosa, which each command imports when it runs."""

from __future__ import annotations

import json
import subprocess
import sys

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
