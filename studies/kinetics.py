"""Where a model's kinetic distance to real dance is: by style, by song, by body part, and
(FACT) how sure its choice head is.

FID_k compares the 72 kinetic features (per joint: mean squared horizontal and vertical speed,
mean acceleration; :mod:`dancekit.metrics.kinetic`) of generated and real dances. This script
splits that comparison on held-out synth songs, each danced as ``dancekit dance`` does it
(seed-bank seed = song index, beat warp and easing; the song's style label unless
``--no-style``), scored over the same 20 s span as ``quality.py``:

1. **By style**: the features summed over the joints, per style, real over generated. A model
   that dances every style alike shows flat generated columns.
2. **Per song**: the correlation, over songs, of a real dance's summed feature with the
   generated dance's for the same song (does the model follow each song's energy?), and the
   spread of each over songs.
3. **By body part**: generated over real, for the mean and the spread over songs, of the
   features summed over legs, torso and arms.
4. **The choice head** (FACT only): from real seeds (windows every 10 frames), its
   cross-entropy against the hypothesis closest to the real frames (what it is trained to
   predict), its top-1 and top-5 accuracy, against a uniform guess (ln K).

    python studies/kinetics.py --heldout HELDOUT_DIR [--model fact|dance-tokens]
        [--checkpoint X] [--songs 96] [--no-style]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from dancekit.audio import cached_features
from dancekit.data import load_folder
from dancekit.data.windows import collate, make_windows
from dancekit.metrics.evaluate import motion_features
from dancekit.models import load_model
from dancekit.models.representation import canonical_root_t
from dancekit.motion import time_to_beats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import crop, known_style  # noqa: E402

KINDS = ("horizontal", "vertical", "energy")
#: SMPL-24 joint indices of each body part.
PARTS = {"legs": [1, 2, 4, 5, 7, 8, 10, 11], "torso": [0, 3, 6, 9, 12, 13, 14, 15],
         "arms": [16, 17, 18, 19, 20, 21, 22, 23]}


def summed(features: np.ndarray, joints: list[int] | None = None) -> np.ndarray:
    """(S, 72) kinetic features -> (S, 3): horizontal, vertical, energy summed over joints."""
    per_joint = features.reshape(len(features), 24, 3)
    return per_joint[:, slice(None) if joints is None else joints].sum(axis=1)


def choice_head(model, sequences, hop: int = 10) -> tuple[float, float, float, int]:
    """(cross-entropy, top-1, top-5 accuracy, K) of the choice head against the hypothesis
    closest to the real frames, over windows from real seeds every ``hop`` frames."""
    c = model.config
    losses, top1, top5 = [], [], []
    span = max(c.motion_frames + c.future_frames, c.audio_frames)
    for s in sequences:  # one song's windows at a time: all 96 hypotheses of each are held
        batch = collate([s], make_windows([s], span, hop), c.motion_frames + c.future_frames,
                        c.audio_frames, c.styles)
        mot, aud = canonical_root_t(batch["motion"]), batch["audio"]
        seed = model.norm_motion(mot[:, :c.motion_frames])
        target = model.norm_motion(mot[:, c.motion_frames:])
        with torch.no_grad():
            preds, logits = model.hypotheses(seed, model.norm_audio(aud))
        best = (preds - target[:, None]).pow(2).mean(dim=(2, 3)).argmin(dim=1)
        losses.append(F.cross_entropy(logits, best, reduction="none"))
        top1.append(logits.argmax(dim=1) == best)
        top5.append((logits.topk(min(5, c.hypotheses), dim=1).indices == best[:, None]).any(1))
    return (float(torch.cat(losses).mean()), float(torch.cat(top1).float().mean()),
            float(torch.cat(top5).float().mean()), c.hypotheses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, required=True, help="held-out synth folder")
    parser.add_argument("--model", default="fact", choices=["fact", "dance-tokens"],
                        help="which model dances")
    parser.add_argument("--checkpoint", type=Path, help="its checkpoint (default: bundled)")
    parser.add_argument("--songs", type=int, default=96, help="songs used (first n)")
    parser.add_argument("--seconds", type=float, default=20.0, help="scored span per clip")
    parser.add_argument("--no-style", action="store_true", help="dance without style labels")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = (load_model(args.model) if args.checkpoint is None
             else load_model(args.model, checkpoint=args.checkpoint))
    name = "FACT" if args.model == "fact" else "tokens"
    pairs = load_folder(args.heldout)[:args.songs]
    real, gen = [], []
    for i, p in enumerate(pairs):
        style = None if args.no_style else known_style(model, p)
        dance = model.generate(p.audio, seed=i, style=style)
        dance = time_to_beats(dance, cached_features(p.audio, "beats"))
        real.append(crop(p.motion, args.seconds))
        gen.append(crop(dance, args.seconds))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k_real, k_gen = motion_features(real)[0], motion_features(gen)[0]
    styles = np.array([p.style for p in pairs])
    r_sum, g_sum = summed(k_real), summed(k_gen)
    print(f"{len(pairs)} held-out songs from {args.heldout}; "
          f"{'bundled weights' if args.checkpoint is None else args.checkpoint}; "
          f"{'no style label' if args.no_style else 'style labels given'}; "
          f"{args.seconds:g} s from 2 s, beat-warped and eased\n")
    print(f"| style | songs | horizontal: real / {name} | vertical: real / {name} "
          f"| energy: real / {name} |")
    print("|---|---:|---|---|---|")
    for style in sorted(set(styles)):
        at = styles == style
        cells = [f"{r_sum[at, j].mean():.2f} / {g_sum[at, j].mean():.2f}" for j in range(3)]
        print(f"| {style} | {int(at.sum())} | " + " | ".join(cells) + " |")
    print(f"\n| per song | corr(real, {name}) | real mean (sd) | {name} mean (sd) |")
    print("|---|---:|---|---|")
    for j, kind in enumerate(KINDS):
        corr = np.corrcoef(r_sum[:, j], g_sum[:, j])[0, 1]
        print(f"| {kind} | {corr:.2f} | {r_sum[:, j].mean():.2f} ({r_sum[:, j].std():.2f}) | "
              f"{g_sum[:, j].mean():.2f} ({g_sum[:, j].std():.2f}) |")
    print(f"\n| body part | {name} / real, mean: horizontal, vertical, energy "
          f"| {name} / real, spread over songs |")
    print("|---|---|---|")
    for part, joints in PARTS.items():
        r, g = summed(k_real, joints), summed(k_gen, joints)
        means = ", ".join(f"{g[:, j].mean() / r[:, j].mean():.2f}" for j in range(3))
        spreads = ", ".join(f"{g[:, j].std() / r[:, j].std():.2f}" for j in range(3))
        print(f"| {part} | {means} | {spreads} |")
    if args.model != "fact":
        return
    ce, top1, top5, k = choice_head(model, [model.encode(p) for p in pairs[:24]])
    print(f"\nchoice head on {min(len(pairs), 24)} songs' windows from real seeds: "
          f"cross-entropy {ce:.2f} nats (uniform guess ln {k} = {np.log(k):.2f}), "
          f"top-1 {top1:.3f}, top-5 {top5:.3f} (uniform {1 / k:.3f}, {min(5, k) / k:.3f})")


if __name__ == "__main__":
    main()
