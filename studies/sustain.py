"""Where FACT loses sustained motion and rhythm: over a whole dance, along each predicted window,
and on the beat.

Three tables on held-out synth songs (their synthetic reference dances as the yardstick; the
model's own drawing at its ``choice_temperature``, seeded per song):

1. **Over a dance**: each song is danced from its real first 2 s, and the mean joint
   displacement over a third of a second (``quality.sweep``'s statistic) is averaged per 3 s
   span, generated over real. A model that feeds on its own calmer output fades here.
2. **Along a window**: from real seeds (every 40 frames), the mean joint speed of each of
   the 20 predicted frames of the drawn hypothesis and of the one closest to the real
   frames, over the real speed at that frame. Later frames stand for more possible futures,
   so a hypothesis averages more of them and moves less.
3. **On the beat**: over the same windows, the speed of the predicted frames within a tenth
   of a beat of the model's own beat clock (the tracker's beats, which it reads) over their
   mean speed: the reference dances slow down there (about 0.4); a model that learnt the timing of
   those slow-downs does too, at least in the hypothesis closest to the real frames.

    python studies/sustain.py --heldout HELDOUT_DIR [--checkpoint X] [--songs 24]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from dancekit.data import load_folder
from dancekit.models import load_model
from dancekit.models.fact.sampling import draw
from dancekit.models.fact.training import music_beats
from dancekit.models.representation import joint_positions, pad_root, root_offset
from dancekit.motion.speed import near_beats

SPAN_SECONDS = 3.0


def displacement(feats: np.ndarray | torch.Tensor, lag: int) -> np.ndarray:
    """(T, 147) features -> (T - lag,) mean joint displacement over ``lag`` frames, m."""
    pos = joint_positions(torch.as_tensor(feats)[None].double())[0]
    return (pos[lag:] - pos[:-lag]).norm(dim=-1).mean(dim=-1).numpy()


def over_a_dance(model, sequences, seconds: float) -> list[tuple[float, float, float]]:
    """(span start s, real, generated) mean displacement per span."""
    c = model.config
    lag = max(1, round(c.fps / 3))
    frames = int(seconds * c.fps)
    real, gen = [], []
    for i, s in enumerate(sequences):
        out = model.generate_features(torch.from_numpy(s.audio[None, :frames]), frames,
                                      torch.from_numpy(s.motion[None, :c.motion_frames]),
                                      generator=torch.Generator().manual_seed(i))[0]
        gen.append(displacement(out, lag))
        real.append(displacement(s.motion[:frames], lag))
    span = int(SPAN_SECONDS * c.fps)
    rows = []
    for a in range(0, frames - lag, span):
        rows.append((a / c.fps, float(np.mean([r[a:a + span].mean() for r in real])),
                     float(np.mean([g[a:a + span].mean() for g in gen]))))
    return rows


@torch.no_grad()
def along_a_window(model, sequences,
                   stride: int = 40) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Mean joint speed per predicted frame (N,) of the real frames, the drawn hypothesis
    and the closest one; and for each, the speed of the predicted frames near a beat of the
    model's clock over their mean speed."""
    c = model.config
    draws = torch.Generator().manual_seed(0)
    speeds: dict[str, list[np.ndarray]] = {"real": [], "drawn": [], "closest": []}
    near: list[np.ndarray] = []
    for s in sequences:
        span = max(c.motion_frames + c.future_frames, c.audio_frames)
        beats = music_beats(model, s.audio)
        for t in range(0, len(s.motion) - span + 1, stride):
            near.append(near_beats(np.arange(c.future_frames) + t + c.motion_frames, beats))
            seed = torch.from_numpy(s.motion[t:t + c.motion_frames])[None]
            offset = pad_root(root_offset(seed))
            last = (seed - offset)[:, -1:]
            real = torch.from_numpy(s.motion[t + c.motion_frames:
                                             t + c.motion_frames + c.future_frames])[None] - offset
            music = model.norm_audio(torch.from_numpy(s.audio[t:t + c.audio_frames])[None])
            preds, logits = model.hypotheses(model.norm_motion(seed - offset), music)
            error = (preds - model.norm_motion(real)[:, None]).pow(2).mean(dim=(2, 3))
            raw = preds[0] * model.motion_std + model.motion_mean  # (K, N, 147)
            picks = {"drawn": int(draw(model, logits, draws)[0]),
                     "closest": int(error.argmin())}
            for name, motion in [("real", real[0])] + [(k, raw[i]) for k, i in picks.items()]:
                pos = joint_positions(torch.cat([last, motion[None]], dim=1).double())[0]
                speeds[name].append(pos.diff(dim=0).norm(dim=-1).mean(dim=-1).numpy())
    on_beat = np.concatenate(near)
    ratios = {k: float(np.concatenate(v)[on_beat].mean() / np.concatenate(v).mean())
              for k, v in speeds.items()}
    return {k: np.mean(v, axis=0) for k, v in speeds.items()}, ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, required=True,
                        help="`dancekit synth` folder never used in training")
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help="FACT checkpoint (default: the bundled weights)")
    parser.add_argument("--songs", type=int, default=24, help="held-out songs used")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each dance")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = (load_model("fact") if args.checkpoint is None
             else load_model("fact", checkpoint=args.checkpoint))
    sequences = [model.encode(p) for p in load_folder(args.heldout)[:args.songs]]
    seconds = min(args.seconds, min(len(s.motion) for s in sequences) / model.config.fps)
    print(f"{len(sequences)} held-out songs from {args.heldout}; "
          f"{args.checkpoint or 'bundled weights'}, temperature "
          f"{model.config.choice_temperature:g}")
    print()
    print("| span (s) | reference sweep (m) | generated (m) | generated / reference |")
    print("|---|---:|---:|---:|")
    for start, real, gen in over_a_dance(model, sequences, seconds):
        print(f"| {start:g}-{start + SPAN_SECONDS:g} | {real:.4f} | {gen:.4f} | "
              f"{gen / real:.2f} |")
    print()
    speeds, on_beat = along_a_window(model, sequences)
    print("| predicted frame | reference speed (m/frame) | drawn / reference "
          "| closest / reference |")
    print("|---:|---:|---:|---:|")
    for i in range(0, len(speeds["real"]), 2):
        r = speeds["real"][i]
        print(f"| {i + 1} | {r:.4f} | {speeds['drawn'][i] / r:.2f} | "
              f"{speeds['closest'][i] / r:.2f} |")
    print()
    print("| near-beat speed / mean speed | real | drawn | closest |")
    print("|---|---:|---:|---:|")
    print(f"| predicted frames within 0.1 beat of a beat | {on_beat['real']:.2f} | "
          f"{on_beat['drawn']:.2f} | {on_beat['closest']:.2f} |")


if __name__ == "__main__":
    main()
