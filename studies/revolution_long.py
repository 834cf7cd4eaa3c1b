"""Does a Dance Revolution dance freeze or drift over a 3-minute song, and how fast is it?

Dances a 3-minute song (the real excerpts of ``../shared/data/music`` joined, as in
``benchmarks/generate.py``) in one pass with each given checkpoint (default: the bundled
weights) and prints, per 30 s, the mean root (pelvis) height and the mean joint speed, and
the seconds of generation per minute of music (the music features cached beforehand, so
this is the network alone, on this machine's threads).

    python studies/revolution_long.py [--checkpoint RUN/model.safetensors ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dancekit.models import load_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import MUSIC, make_song  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, nargs="+", default=[None],
                        help="dance-revolution checkpoints (default: the bundled weights)")
    parser.add_argument("--seconds", type=float, default=180.0, help="song length")
    args = parser.parse_args()
    if not MUSIC.is_dir():
        sys.exit(f"real music not found at {MUSIC}")
    with tempfile.TemporaryDirectory() as tmp:
        song, _ = make_song(Path(tmp), args.seconds)
        rows = []
        for path in args.checkpoint:
            model = load_model("dance-revolution", checkpoint=path)
            model.music_features(song)  # fills the feature cache: not part of the timing
            t0 = time.perf_counter()
            dance = model.generate(song, seed=0)
            per_minute = (time.perf_counter() - t0) / (dance.duration / 60)
            pos = dance.positions
            block = int(30 * dance.fps)
            starts = range(0, len(pos) - block + 1, block)  # whole 30 s blocks
            heights = [pos[a:a + block, 0, 1].mean() for a in starts]
            speeds = [np.linalg.norm(np.diff(pos[a:a + block], axis=0), axis=-1).mean()
                      * dance.fps for a in starts]
            rows.append((path or "bundled", heights, speeds, per_minute))
    print(f"song: {args.seconds:g} s of real music; values per 30 s")
    print()
    print("| checkpoint | pelvis height (m) | joint speed (m/s) | s per minute of music |")
    print("|---|---|---|---:|")
    for name, heights, speeds, per_minute in rows:
        print(f"| {name} | {' '.join(f'{h:.2f}' for h in heights)} | "
              f"{' '.join(f'{s:.2f}' for s in speeds)} | {per_minute:.1f} |")


if __name__ == "__main__":
    main()
