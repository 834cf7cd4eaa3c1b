"""How the procedural ballroom styles use the floor, beside real ballroom dancers.

    python studies/ballroom_travel.py [--songs 3] [--seconds 60] [--fid]

Real: every sequence of ``../shared/data/ballroom`` mapped to SMPL-24 positions, the waltzes
on their true clock (25 / 4.3 = 5.8 frames a second, see ``docs/ballroom_data.md``), the rest
at the published 25 fps. Procedural: the style danced (seed 0) to the first ``--songs``
recordings of its genre for ``--seconds``. Per sequence (``dancekit.metrics.travel`` and
``foot_skating_ratio``): mean root speed along its floor path, metres of path a minute, the
floor extent (diagonal of the rectangle the root visits), the heading range a minute, the
share of frame steps with a skating foot, and the number of freezes (every joint slower
than 0.05 m/s for over 2 s). The table gives medians over sequences (min-max for speed and
extent) and the total freezes.

``--fid`` adds FID_k and FID_g (``dancekit.metrics.evaluate``, corrected protocol) of the
procedural dances against the real sequences of their genre, both SMPL-24 positions at 30
fps (a handful of clips a side: a coarse comparison, not a benchmark).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

from dancekit.errors import AudioDecodeError
from dancekit.io import load_ballroom
from dancekit.metrics import evaluate, foot_skating_ratio
from dancekit.metrics.travel import travel
from dancekit.models import load_model
from dancekit.motion import Motion
from dancekit.motion.mapping import retarget
from dancekit.motion.processing import resample

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ballroom"
GENRES = {"W": "waltz", "R": "rumba", "C": "chacha", "T": "tango"}
WALTZ_FPS = 25 / 4.3


def measure(m: Motion) -> list[float]:
    t = travel(m)
    return [t.root_speed, t.per_minute, t.extent, t.turned * 60 / m.duration,
            foot_skating_ratio(m), float(t.freezes)]


def row(style: str, source: str, values: list[list[float]]) -> str:
    a = np.array(values)
    med = np.median(a, axis=0)
    return (f"| {style} | {source} | {len(a)} | {med[0]:.2f} ({a[:, 0].min():.2f}-"
            f"{a[:, 0].max():.2f}) | {med[1]:.0f} | {med[2]:.1f} ({a[:, 2].min():.1f}-"
            f"{a[:, 2].max():.1f}) | {med[3]:.0f} | {med[4]:.3f} | {int(a[:, 5].sum())} |")


def dances(model, songs: list[Path], style: str, seconds: float) -> list[Motion]:
    """The style danced to each song that decodes (one ballroom MP3 is truncated)."""
    out = []
    for song in songs:
        try:
            out.append(model.generate(song, seconds=seconds, seed=0, style=style))
        except AudioDecodeError as err:
            print(f"skipped {song.parent.name}: {err}", file=sys.stderr)
    return out


def fid_table(model, args: argparse.Namespace) -> None:
    print("\n| style | generated | real | FID_k | FID_g |\n|---|---|---|---|---|")
    for code, style in (("W", "waltz"), ("R", "rumba"), ("C", "chacha")):
        folders = sorted(DATA.glob(f"DANCE_{code}_*"))
        real = [resample(retarget(load_ballroom(f, fps=WALTZ_FPS if code == "W" else None),
                                  "smpl24"), 30.0).replace(rotations=None, root=None)
                for f in folders]
        songs = [f / "audio.mp3" for f in folders if (f / "audio.mp3").is_file()][:args.songs]
        made = [resample(m, 30.0).replace(rotations=None, root=None)
                for m in dances(model, songs, style, args.seconds)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # few clips: the FIDs are coarse, as said above
            got = evaluate(made, real, bootstrap=0)["metrics"]
        print(f"| {style} | {len(made)} | {len(real)} | {got['fid_k']['value']:.0f} | "
              f"{got['fid_g']['value']:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--songs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--fid", action="store_true")
    args = ap.parse_args()
    model = load_model("procedural")
    print("| style | source | n | root speed m/s | m / min | extent m | heading range deg/min "
          "| skating | freezes |")
    print("|---|---|---|---|---|---|---|---|---|")
    for code, style in GENRES.items():
        folders = sorted(DATA.glob(f"DANCE_{code}_*"))
        real = [measure(retarget(load_ballroom(f, fps=WALTZ_FPS if code == "W" else None),
                                 "smpl24")) for f in folders]
        songs = [f / "audio.mp3" for f in folders if (f / "audio.mp3").is_file()][:args.songs]
        made = [measure(m) for m in dances(model, songs, style, args.seconds)]
        print(row(style, "real", real))
        print(row(style, "procedural", made))
    if args.fid:
        fid_table(model, args)


if __name__ == "__main__":
    main()
