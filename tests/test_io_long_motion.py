"""Long motions: exports and one PNG frame stay within a few times the motion's own size
in memory (they stream, or prepare only the frames they need), and streaming changes no
byte of what is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dancekit.io import bvh, fit_rotations, load_motion, save_motion
from dancekit.io.ik import RotationFit
from dancekit.motion import Motion

SRC = Path(__file__).resolve().parents[1] / "src"

# Builds a 10^5-frame motion, warms every code path up on a short one (imports, caches),
# then reports how far the resident memory's peak (VmHWM, reset first) rises during the
# long operation, as a multiple of the motion's array bytes.
_CHILD = r"""
import json, sys
import numpy as np
from dancekit.io import save_motion
from dancekit.motion import Motion
from dancekit.render import render

def status(key):
    return int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith(key)))

kind, out = sys.argv[1], sys.argv[2]
frames = 100_000
t = np.arange(frames, dtype=np.float32)[:, None, None] / 30
offsets = np.random.default_rng(0).normal(0, 0.3, (1, 24, 3)).astype(np.float32)
if kind == "bvh-rotations":
    rotations = (0.3 * np.sin(t * np.float32([1.0, 1.3, 0.7]) + offsets)).astype(np.float32)
    root = np.concatenate([np.sin(t[:, 0] / 9), 0.9 + 0 * t[:, 0], np.cos(t[:, 0] / 7)], 1)
    motion = Motion.from_rotations(rotations, root, fps=30.0)
    del rotations, root
else:
    motion = Motion(offsets + 0.2 * np.sin(t * np.float32([1.0, 1.3, 0.7])), 30.0, "smpl24")
del t
size = sum(a.nbytes for a in (motion.positions, motion.rotations, motion.root) if a is not None)

def run(m, path):
    if path.endswith(".png"):
        render(m, path, frame=-1, size=128, progress=False)
    else:
        save_motion(m, path)

run(motion[:300], out)
open("/proc/self/clear_refs", "w").write("5")
before = status("VmRSS:")
run(motion, out)
print(json.dumps({"ratio": (status("VmHWM:") - before) * 1024 / size}))
"""


def _peak_ratio(kind: str, out: Path) -> float:
    proc = subprocess.run([sys.executable, "-c", _CHILD, kind, str(out)], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(SRC)}, timeout=900,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    return json.loads(proc.stdout.strip().splitlines()[-1])["ratio"]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(),
                    reason="needs Linux's /proc to measure peak memory")
@pytest.mark.parametrize("kind, ext", [("positions", "png"), ("positions", "json"),
                                       ("bvh-rotations", "bvh"), ("positions", "bvh")])
def test_long_motion_peak_memory_stays_under_three_times_its_size(tmp_path, kind, ext):
    # main: the PNG rose by 10x the data, JSON by 5.5x, BVH by 21x; then a position-only
    # BVH, whose fitted float64 rotations were 2x the positions by themselves, by 5.2x
    assert _peak_ratio(kind, tmp_path / f"long.{ext}") < 3.0


def test_position_only_bvh_export_streams_without_changing_a_byte(ballroom_dir, tmp_path,
                                                                   monkeypatch):
    # the rotations are fitted, converted to Euler angles (unwrapped across chunk borders)
    # and checked chunk by chunk: a real sequence written in one chunk and in many (with a
    # border inside every 4096-frame conversion) must agree byte for byte, report included
    motion = load_motion(ballroom_dir / "DANCE_R_4")
    motion = Motion(motion.positions, motion.fps, motion.skeleton)
    assert motion.num_frames > 2000
    whole = save_motion(motion, tmp_path / "whole.bvh")
    monkeypatch.setattr(bvh, "_WRITE_CHUNK", 333)
    chunked = save_motion(motion, tmp_path / "chunked.bvh")
    assert whole["ik"] and whole["fit_error_max_m"] > 0.01  # real, noisy bone lengths
    assert {k: v for k, v in whole.items() if k != "path"} == \
        {k: v for k, v in chunked.items() if k != "path"}
    assert (tmp_path / "whole.bvh").read_bytes() == (tmp_path / "chunked.bvh").read_bytes()


def test_fitted_rotations_of_a_block_do_not_depend_on_the_other_frames(ballroom_dir):
    motion = load_motion(ballroom_dir / "DANCE_C_2")
    fit = RotationFit(Motion(motion.positions, motion.fps, motion.skeleton))
    rotations, root = fit.block(0, motion.num_frames)
    for start, stop in [(0, 1), (5, 77), (1000, motion.num_frames)]:
        part_rotations, part_root = fit.block(start, stop)
        assert np.array_equal(part_rotations, rotations[start:stop])
        assert np.array_equal(part_root, root[start:stop])
    refit, _, offsets = fit_rotations(motion)
    assert np.array_equal(refit, rotations) and np.array_equal(offsets, fit.offsets)
