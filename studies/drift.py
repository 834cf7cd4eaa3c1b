"""Does a long FACT dance drift? Root height and the lowest foot over a 3-minute song.

A model that predicts changes can integrate small errors into a slow pose drift (the dancer
sinks into a crouch and the feet leave the floor). This dances a 3-minute song (the real
excerpts of ``../shared/data/music`` joined, as in ``generate.py``) with and without the
generation-time pose anchor (``anchor_seconds``) and prints, per 30 s, the mean root height
and the lowest foot joint, with the mean joint speed and jitter over the whole dance.

    python studies/drift.py [--checkpoint RUN/model.safetensors] [--anchors 0 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from dancekit.metrics import jitter
from dancekit.models import load_model
from dancekit.models.representation import SKELETON
from dancekit.motion import get_skeleton

# the 60 s song of benchmarks/generate.py
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import MUSIC, make_song  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help="FACT checkpoint (default: the bundled weights)")
    parser.add_argument("--anchors", type=float, nargs="+", default=[0.0, 8.0],
                        help="anchor_seconds values to compare (0: off)")
    parser.add_argument("--seconds", type=float, default=180.0, help="song length")
    args = parser.parse_args()
    if not MUSIC.is_dir():
        sys.exit(f"real music not found at {MUSIC}")

    model = (load_model("fact") if args.checkpoint is None
             else load_model("fact", checkpoint=args.checkpoint))
    feet = [j for side in get_skeleton(SKELETON).feet for j in side]
    with tempfile.TemporaryDirectory() as tmp:
        song, _ = make_song(Path(tmp), args.seconds)
        rows = []
        for anchor in args.anchors:
            model.config.anchor_seconds = anchor
            dance = model.generate(song, seed=0)
            pos = dance.positions
            block = int(30 * dance.fps)
            starts = range(0, len(pos) - block + 1, block)  # whole 30 s blocks
            heights = [pos[a:a + block, 0, 1].mean() for a in starts]
            lowest = [pos[a:a + block, feet, 1].min() for a in starts]
            speed = np.linalg.norm(np.diff(pos, axis=0), axis=-1).mean() * dance.fps
            rows.append((anchor, heights, lowest, speed, jitter(dance)))
    print(f"song: {args.seconds:g} s of real music; values per 30 s")
    print()
    print("| anchor_seconds | root height (m) | lowest foot (m) | joint speed (m/s) | jitter |")
    print("|---:|---|---|---:|---:|")
    for anchor, heights, lowest, speed, jit in rows:
        print(f"| {anchor:g} | {' '.join(f'{h:.2f}' for h in heights)} | "
              f"{' '.join(f'{f:+.2f}' for f in lowest)} | {speed:.3f} | {jit:.1f} |")


if __name__ == "__main__":
    main()
