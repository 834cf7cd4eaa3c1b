"""How well FACT predicts each future frame, against simply holding the seed's last pose.

For windows of held-out synth songs (every 23 frames, real 2 s seeds), the normalised mean
squared error of each of the 20 predicted frames against the real ones (in the model's own
normalisation, the units of its feature loss), beside two baselines computed from the same
seed: "hold" (repeat the last seed pose) and, for models with a fitted linear base, the base
alone (the network's output switched off). A model that does not beat "hold" has learned
nothing about motion beyond the seed.

    python studies/horizon.py --heldout HELDOUT_DIR [--checkpoint A --checkpoint B] [--songs 8]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from dancekit.data import load_folder
from dancekit.models import load_model

SHOWN = (1, 2, 5, 10, 15, 20)  # frames ahead shown in the table


def horizon_errors(model, sequences, stride: int = 23) -> dict[str, np.ndarray]:
    """Per-horizon normalised MSE of the model, of holding the pose and of the linear base."""
    c = model.config
    errors: dict[str, list[np.ndarray]] = {"model": [], "hold": []}
    if c.linear_base:
        errors["linear base alone"] = []
    span = max(c.motion_frames + c.future_frames, c.audio_frames)
    with torch.no_grad():
        for s in sequences:
            for t in range(0, len(s.motion) - span + 1, stride):
                window = torch.from_numpy(s.motion[t:t + c.motion_frames + c.future_frames])
                window = window[None].clone()
                window[..., [0, 2]] -= window[:, :1, [0, 2]]  # start above the origin
                seed = model.norm_motion(window[:, :c.motion_frames])
                target = model.norm_motion(window[:, c.motion_frames:])
                audio = model.norm_audio(torch.from_numpy(s.audio[t:t + c.audio_frames])[None])
                guesses = {"model": model(seed, audio), "hold": seed[:, -1:]}
                if c.linear_base:
                    base = torch.einsum("bnf,nfd->bnd", model.base_inputs(seed, audio),
                                        model.base_weight)
                    guesses["linear base alone"] = seed[:, -1:] + base
                for name, guess in guesses.items():
                    errors[name].append(((guess - target) ** 2).mean(dim=(0, 2)).numpy())
    return {name: np.mean(rows, axis=0) for name, rows in errors.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, required=True,
                        help="`dancekit synth` folder never used in training")
    parser.add_argument("--checkpoint", type=Path, action="append", default=None,
                        help="FACT checkpoint(s) (default: the bundled weights)")
    parser.add_argument("--songs", type=int, default=8, help="held-out songs to use")
    args = parser.parse_args()

    pairs = load_folder(args.heldout)[:args.songs]
    print(f"{len(pairs)} held-out songs from {args.heldout}; real 2 s seeds, windows every "
          "23 frames; normalised MSE by frames ahead")
    print()
    print("| checkpoint | predictor | " + " | ".join(str(k) for k in SHOWN) + " |")
    print("|---|---|" + "---:|" * len(SHOWN))
    for ckpt in args.checkpoint or [None]:
        model = (load_model("fact") if ckpt is None
                 else load_model("fact", checkpoint=ckpt)).eval()
        sequences = [model.encode(p) for p in pairs]
        label = "bundled" if ckpt is None else ckpt.name
        for name, err in horizon_errors(model, sequences).items():
            print(f"| {label} | {name} | " + " | ".join(f"{err[k - 1]:.3f}" for k in SHOWN)
                  + " |")


if __name__ == "__main__":
    main()
