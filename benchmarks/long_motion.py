"""Peak memory and time of exporting and drawing one frame of a long motion.

Makes a position-only ``smpl24`` motion of ``--frames`` frames (10^6 frames are 288 MB of
float32 positions, nine hours at 30 fps), then runs each operation in a fresh Python process
(Linux: it reads ``/proc``) and prints its peak resident memory after loading the motion
(``VmHWM``, reset once the motion is in memory), how far that peak rises above the memory in
use then, as MiB and as a multiple of the positions' size, and the wall time::

    python benchmarks/long_motion.py --frames 1000000

``--src`` picks the source tree to measure (default: this checkout's ``src``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, sys, time
from dancekit.io import load_motion, save_motion
def status(key):
    return int(next(line.split()[1] for line in open("/proc/self/status")
                    if line.startswith(key)))
motion = load_motion(sys.argv[1])
open("/proc/self/clear_refs", "w").write("5")  # restart the peak (VmHWM) from here
loaded = status("VmRSS:")
start = time.perf_counter()
out = sys.argv[2]
if out.endswith(".png"):
    from dancekit.render import render
    render(motion, out, frame=-1, size=256, progress=False)
else:
    save_motion(motion, out)
seconds = time.perf_counter() - start
peak = status("VmHWM:")
print(json.dumps({"peak_kb": peak, "loaded_kb": loaded, "seconds": seconds}))
"""


def make_motion(frames: int, path: Path) -> int:
    """Write a smooth random position-only smpl24 motion; returns its data size in bytes."""
    sys.path.insert(0, str(ROOT / "src"))
    from dancekit.io import save_motion
    from dancekit.motion import Motion

    rng = np.random.default_rng(0)
    knots = max(2, frames // 30)
    t = np.linspace(0, knots - 1, frames)
    pose = rng.normal(0, 0.3, (knots, 24, 3))
    rotations = np.empty((frames, 24, 3))
    for j in range(24):
        for k in range(3):
            rotations[:, j, k] = np.interp(t, np.arange(knots), pose[:, j, k])
    root = np.stack([np.sin(t / 50), 0.9 + 0.05 * np.sin(t), np.cos(t / 70)], axis=1)
    motion = Motion.from_rotations(rotations, root, fps=30.0)
    del rotations
    motion = Motion(motion.positions, motion.fps, motion.skeleton)
    save_motion(motion, path)
    return motion.positions.nbytes


def measure(src: Path, motion: Path, out: Path) -> dict[str, float]:
    env_path = {"PYTHONPATH": str(src)}
    import os

    proc = subprocess.run([sys.executable, "-c", _CHILD, str(motion), str(out)],
                          capture_output=True, text=True, env={**os.environ, **env_path},
                          check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--only", nargs="*", default=["png", "json", "bvh", "npz"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        motion = Path(tmp) / "long.npz"
        size = make_motion(args.frames, motion)
        print(f"{args.frames} frames, {size / 2**20:.0f} MiB of positions; source {args.src}")
        print(f"{'output':8} {'peak MiB':>9} {'above load MiB':>15} {'x data':>7} {'s':>7}")
        for ext in args.only:
            r = measure(args.src, motion, Path(tmp) / f"out.{ext}")
            above = (r["peak_kb"] - r["loaded_kb"]) * 1024
            print(f"{ext:8} {r['peak_kb'] / 1024:9.0f} {above / 2**20:15.0f} "
                  f"{above / size:7.2f} {r['seconds']:7.1f}")


if __name__ == "__main__":
    main()
