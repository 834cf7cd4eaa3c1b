"""How much smoothing the motion tokenizer's decoded motion needs, chosen on training dances.

Motion decoded from codes shakes at the codes' seams (jitter several times a real dancer's).
``MotionVQConfig.smooth_frames`` smooths the decoded features with a Gaussian. The rule,
fixed before any value was tried: encode and decode real ballroom sequences the tokenizer
trained on (the first two of each genre in name order, none of the held-out test split), and
take the smallest s.d. in ``--candidates`` whose median ratio of decoded to real jitter is at
most 1.25; the held-out test split is never looked at.

    python studies/tokenizer_smoothing.py TOKENIZER.safetensors
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from dancekit.data.ballroom import TEST_SEQUENCES, ballroom_sequence
from dancekit.data.sources import BALLROOM_STYLES, smpl_with_rotations
from dancekit.metrics.physics import jitter
from dancekit.models.motion_vq import MotionVQ
from dancekit.models.representation import motion_to_features
from dancekit.motion import resample

BALLROOM = Path(__file__).resolve().parents[2] / "shared" / "data" / "ballroom"
LIMIT = 1.25


def training_sequences(per_genre: int = 2) -> list[str]:
    names = sorted(p.name for p in BALLROOM.glob("DANCE_*") if (p / "audio.mp3").is_file()
                   and p.name not in TEST_SEQUENCES and p.name != "DANCE_R_6")
    out: list[str] = []
    for code in BALLROOM_STYLES:
        out += [n for n in names if n.split("_")[1] == code][:per_genre]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tokenizer", type=Path)
    ap.add_argument("--candidates", default="0,1,2,3,4,5,6,8")
    args = ap.parse_args()
    if not BALLROOM.is_dir():
        raise SystemExit(f"skipped: {BALLROOM} is not here (the ballroom data)")
    vq = MotionVQ.from_checkpoint(args.tokenizer)
    dances = {n: resample(smpl_with_rotations(ballroom_sequence(BALLROOM / n).motion), 30.0)
              for n in training_sequences()}
    codes = {n: vq.tokenize(vq.features(motion_to_features(m))) for n, m in dances.items()}
    print("| smooth_frames | median jitter ratio | per sequence |\n|---|---|---|")
    chosen = None
    for sigma in (float(x) for x in args.candidates.split(",")):
        vq.config = dataclasses.replace(vq.config, smooth_frames=sigma)
        ratios = {n: float(jitter(vq.to_motion(codes[n]))) / float(jitter(m))
                  for n, m in dances.items()}
        median = float(np.median(list(ratios.values())))
        print(f"| {sigma:g} | {median:.2f} | "
              + ", ".join(f"{n} {r:.2f}" for n, r in ratios.items()) + " |")
        if chosen is None and median <= LIMIT:
            chosen = sigma
    print(f"\nchosen: smooth_frames {chosen}" if chosen is not None
          else f"\nno candidate reaches a ratio of {LIMIT}")


if __name__ == "__main__":
    main()
