"""Does the motion tokenizer rebuild real ballroom dances better from the heading-free
representation than from world axes?

Two tokenizers of the same shape, data, steps and seed, one per ``representation``
(``travel``: world axes with the root's x/z as steps; ``heading-free``: steps in the
dancer's own frame and the turn per frame, :func:`dancekit.models.representation.
heading_free_features`), rebuild the held-out ballroom sequences (``TEST_SEQUENCES``, never
trained on) cut as ``studies/ballroom_quality.py`` cuts them: consecutive 10 s segments from
2 s in (47 segments), each rebuilt alone and placed at its real first frame's position and
heading. Measured:

* position error: mean distance (m) of the 24 joints from the real ones, the root's travel
  included (drift in heading or travel shows up here), and the same with every frame's root
  put on the real one (the pose alone, with its heading);
* jitter ratio: rebuilt jitter / real jitter (mean jerk, ``dancekit.metrics.physics.jitter``);
* travel ratio: the root's horizontal path length rebuilt / real;

each with quantisation (codes, as ``dance-tokens`` decodes them) and without (the decoder on
the encoder's output: what the representation and network allow before the codebook).

The rule, written before any tokenizer was scored: **heading-free wins if, with
quantisation, both its position error (root included) and its jitter ratio are lower than
travel's, and its travel ratio is closer to 1.**

    python studies/heading_free.py TRAVEL.safetensors HEADING_FREE.safetensors

Measured with two tokenizers trained by ``dancekit train motion-vq --data
../shared/data/ballroom --data synth60 --config C`` where C is
``weights/dance_tokens_ballroom/vq_config.yaml`` with ``steps: 1000`` and ``representation:
travel`` or ``heading-free`` (seed 0; about 1600 s each, side by side on 2 shared cores):

| tokenizer | quantised | position error m | pose error m | jitter ratio | travel ratio |
|---|---|---:|---:|---:|---:|
| travel | no | 1.208 | 0.352 | 11.46 | 0.11 |
| travel | yes | 1.215 | 0.358 | 11.05 | 0.11 |
| heading-free | no | 1.206 | 0.264 | 0.61 | 0.30 |
| heading-free | yes | 1.194 | 0.263 | 0.59 | 0.29 |

Heading-free wins by the rule. Its pose error is a quarter lower and its jitter is real-like
(a little smooth, so ``studies/tokenizer_smoothing.py`` chooses no smoothing for it, where
the travel tokenizer shakes at 11x real); it rebuilds 2.6x the travel, but still under a
third of the real dancers' path, and the root-included error is hardly lower: over 10 s both
drift about a metre. The trainer's own validation (8 rebuilt validation dances) agrees:
reconstruction FID_k 69.5 against 748, FID_g 26.9 against 27.9.

**The code model on it.** ``dancekit train dance-tokens`` with
``weights/dance_tokens_ballroom/train_config.yaml``, its ``model.tokenizer`` the heading-free
tokenizer above (same data, 2000 steps, seed 0; 1450 s), stored in float16 with no smoothing
(``studies/tokenizer_smoothing.py`` chooses 0 for this tokenizer), scored by
``python studies/ballroom_quality.py --systems dance-tokens,dance-tokens-ballroom
--tokens-checkpoint CANDIDATE`` (the ``dance-tokens`` row is the candidate):

| held-out real ballroom | FID_k | FID_g | root speed m/s | longest freeze s | foot skating | BAS |
|---|---:|---:|---:|---:|---:|---:|
| real vs real | 8.94 | 3.46 | 0.511 | 1.0 | 0.224 | 0.318 |
| real test set itself | | | 0.544 | 1.43 | 0.251 | 0.290 |
| heading-free candidate | 172 | 61.6 | 0.144 | 0.40 | 0.083 | 0.843 |
| ``dance-tokens-ballroom`` on its travel tokenizer | 548 | 28.0 | 0.220 | 2.70 | 0.089 | 0.789 |

By the project's rule (replace the bundled weights only if both FIDs are lower) this
candidate does not replace those weights (the travel-tokenizer ones): FID_k falls to a third
and the longest freeze to 0.4 s, but FID_g doubles and the root travels less (0.26x real).
Its tokenizer had 1000 training steps against the travel one's 6000, and it still rebuilds
under a third of the dancers' travel: on training dances too, its reconstruction of the
root's steps is worse than their mean (normalised squared error 2.1 and 2.4 on x and z,
against 0.39 on the joints), so the steps, two numbers of 147 in the loss, are what it
learns least.

**Weighting the root in the loss** (``MotionVQConfig.root_weight``: the root's steps and
height and the pelvis's 6D, 9 of the 147 numbers, weighted in the pose, velocity and
acceleration losses). The rule, written before any weighted tokenizer was scored: **a
weighted heading-free tokenizer wins over the unweighted one of the same steps, data and
seed if, with quantisation, its travel ratio is closer to 1, its pose error is at most 10 %
higher, and its jitter ratio is at most 10 % further from 1 (in log terms: |ln r| at most
|ln r_unweighted| + ln 1.1).** The rule compares tokenizers of 1000 steps; only a winner
gets a code model, on the winner continued to 2000 steps if that one wins by the same rule
too. The code model's checkpoint is the one of lowest validation cross-entropy (the
Trainer's, every 250 steps), chosen before the held-out table is made.

    python studies/heading_free.py TRAVEL HEADING_FREE --weighted WEIGHTED...

Measured with ``root_weight: 20`` (the 9 root and pelvis numbers then count 180 against the
other 138 in each error's mean), the same config, data and seed as the unweighted
heading-free tokenizer above (retrained: its rows reproduce the table above to the last
digit); the 2000-step one resumed from the 1000-step one with ``--steps 2000 --resume``, as
the recipe resumes its tokenizers. TRAVEL here is the travel tokenizer of the
``dance-tokens-ballroom`` weights the first table's candidate was judged against (6000
steps, float32 before the half-precision copy), for reference: 1000 steps of the others
against its 6000, the first rule above is not re-judged by this table.

| tokenizer | steps | quantised | position error m | pose error m | jitter ratio | travel ratio |
|---|---:|---|---:|---:|---:|---:|
| travel | 6000 | no | 1.154 | 0.277 | 8.55 | 0.46 |
| travel | 6000 | yes | 1.144 | 0.277 | 8.81 | 0.42 |
| heading-free | 1000 | no | 1.206 | 0.264 | 0.61 | 0.30 |
| heading-free | 1000 | yes | 1.194 | 0.263 | 0.59 | 0.29 |
| heading-free, root_weight 20 | 1000 | no | 1.308 | 0.267 | 0.60 | 0.90 |
| heading-free, root_weight 20 | 1000 | yes | 1.257 | 0.273 | 0.57 | 0.81 |
| heading-free, root_weight 20 | 2000 | no | 0.955 | 0.213 | 0.90 | 0.99 |
| heading-free, root_weight 20 | 2000 | yes | 0.816 | 0.194 | 0.81 | 0.89 |

Both weighted tokenizers win by the rule: at 1000 steps the rebuilt travel goes from 0.29
to 0.81 of the real path for 4 % more pose error and the same jitter; at 2000 steps to 0.89
with a quarter less pose error than the unweighted one, jitter 0.81x real, and the lowest
position error of all (0.82 m over 10 s, where every 1000-step tokenizer drifts 1.2 m). The
Trainer's validation (8 rebuilt validation dances) agrees: reconstruction FID_k 52.8 and
41.7, FID_g 24.7 and 21.8, against the unweighted one's 69.5 and 26.9.
``studies/tokenizer_smoothing.py`` chooses no smoothing for the 2000-step one (median
jitter ratio 0.92 on training dances unsmoothed).

**The code model on the 2000-step weighted tokenizer.** ``dancekit train dance-tokens``
with ``weights/dance_tokens_ballroom/train_config.yaml`` (1000 steps, a checkpoint kept
every 250; 354 s): validation cross-entropy 4.56, 4.79, 5.07, 5.17 at steps 250 to 1000,
so the step-250 checkpoint, in float16 with no smoothing, scored by ``python
studies/ballroom_quality.py --systems dance-tokens,dance-tokens-ballroom --tokens-checkpoint
CANDIDATE`` against the travel-tokenizer weights:

| held-out real ballroom | FID_k | FID_g | root speed m/s | longest freeze s | foot skating | BAS |
|---|---:|---:|---:|---:|---:|---:|
| real vs real | 8.94 | 3.46 | 0.511 | 1.0 | 0.224 | 0.318 |
| real test set itself | | | 0.544 | 1.43 | 0.251 | 0.290 |
| weighted heading-free candidate (step 250) | 131 | 21.8 | 0.402 | 1.23 | 0.108 | 0.843 |
| ``dance-tokens-ballroom`` on its travel tokenizer | 548 | 28.0 | 0.220 | 2.70 | 0.089 | 0.789 |

Both FIDs are lower, so these are now the bundled ``dance-tokens-ballroom`` weights
(``recipes/dance_tokens_ballroom.sh``). The root travels 0.74x the real couples' speed and
no stretch stands still over 2 s; the feet slide a little more (0.108, still under real's
0.251). The same run's last checkpoint (step 1000, not chosen) scores FID_k 97.1, FID_g
22.9, root speed 0.449 m/s.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from dancekit.data.ballroom import TEST_SEQUENCES, ballroom_sequence
from dancekit.data.sources import smpl_with_rotations
from dancekit.metrics.physics import jitter
from dancekit.models.motion_vq import MotionVQ
from dancekit.models.representation import (
    decode_matrices,
    heading,
    joint_positions,
    motion_to_features,
    turn_features,
)
from dancekit.motion import resample

BALLROOM = Path(__file__).resolve().parents[2] / "shared" / "data" / "ballroom"
FPS = 30.0
START, SEGMENT = 2.0, 10.0  # as studies/ballroom_quality.py cuts the test set


def test_segments() -> list[np.ndarray]:
    """(T, 147) FACT features of every held-out 10 s segment, T a whole number of codes."""
    out = []
    n, a = int(SEGMENT * FPS), int(START * FPS)
    for name in TEST_SEQUENCES:
        motion = resample(smpl_with_rotations(ballroom_sequence(BALLROOM / name).motion), FPS)
        feats = motion_to_features(motion)
        out += [feats[s:s + n // 8 * 8] for s in range(a, len(feats) - n + 1, n)]
    return out


def rebuilt(vq: MotionVQ, feats: np.ndarray, quantised: bool) -> torch.Tensor:
    """FACT features of one segment encoded and decoded, integrated from the origin."""
    x = torch.from_numpy(vq.features(feats))[None]
    with torch.no_grad():
        if quantised:
            return vq.detokenize(vq.tokenize(x))[0].double()
        out = vq.decoder(vq._latents(x).transpose(1, 2)).transpose(1, 2) * vq.std + vq.mean
        return vq.world(out)[0].double()


def placed(rec: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """``rec`` turned and moved so its first frame stands where the real one does, facing
    the same way."""
    yaw = float(heading(decode_matrices(real[:1])[0][0, 0])
                - heading(decode_matrices(rec[:1])[0][0, 0]))
    turned = turn_features(rec, yaw)
    return turn_features(turned, 0.0, (float(real[0, 0] - turned[0, 0]),
                                       float(real[0, 2] - turned[0, 2])))


def path_length(pos: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(pos[:, 0, [0, 2]], axis=0), axis=-1).sum())


def measure(vq: MotionVQ, segments: list[np.ndarray], quantised: bool) -> dict[str, float]:
    err, pose_err, jit, jit_real, travel, travel_real = [], [], [], [], [], []
    for feats in segments:
        real = torch.from_numpy(feats).double()
        rec = placed(rebuilt(vq, feats, quantised), real)
        p = joint_positions(rec[None])[0].numpy()
        q = joint_positions(real[None])[0].numpy()
        err.append(np.linalg.norm(p - q, axis=-1).mean())
        pose_err.append(np.linalg.norm((p - p[:, :1]) - (q - q[:, :1]), axis=-1).mean())
        jit.append(jitter(p, fps=FPS))
        jit_real.append(jitter(q, fps=FPS))
        travel.append(path_length(p))
        travel_real.append(path_length(q))
    return {"error": float(np.mean(err)), "pose_error": float(np.mean(pose_err)),
            "jitter_ratio": float(np.sum(jit) / np.sum(jit_real)),
            "travel_ratio": float(np.sum(travel) / np.sum(travel_real))}


def row(name: str, quantised: bool, s: dict[str, float]) -> str:
    return (f"| {name} | {'yes' if quantised else 'no'} | {s['error']:.3f} "
            f"| {s['pose_error']:.3f} | {s['jitter_ratio']:.2f} | {s['travel_ratio']:.2f} |")


def heading_free_wins(a: dict[str, float], b: dict[str, float]) -> bool:
    """The first rule: heading-free ``b`` against travel ``a``, both quantised."""
    return (b["error"] < a["error"] and b["jitter_ratio"] < a["jitter_ratio"]
            and abs(b["travel_ratio"] - 1) < abs(a["travel_ratio"] - 1))


def weighted_wins(a: dict[str, float], b: dict[str, float]) -> bool:
    """The second rule: root-weighted ``b`` against unweighted ``a``, both quantised."""
    return (abs(b["travel_ratio"] - 1) < abs(a["travel_ratio"] - 1)
            and b["pose_error"] <= 1.1 * a["pose_error"]
            and abs(np.log(b["jitter_ratio"])) <= abs(np.log(a["jitter_ratio"])) + np.log(1.1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("travel", type=Path, help="tokenizer with representation: travel")
    ap.add_argument("heading_free", type=Path, help="tokenizer with representation: "
                    "heading-free")
    ap.add_argument("--weighted", type=Path, nargs="*", default=[],
                    help="heading-free tokenizers with root_weight > 1, each judged against "
                    "HEADING_FREE")
    args = ap.parse_args()
    if not BALLROOM.is_dir():
        raise SystemExit(f"skipped: {BALLROOM} is not here (the ballroom data)")
    torch.set_num_threads(1)
    segments = test_segments()
    print(f"{len(segments)} held-out segments of {len(segments[0]) / FPS:.1f} s\n")
    print("| tokenizer | quantised | position error m | pose error m | jitter ratio "
          "| travel ratio |\n|---|---|---:|---:|---:|---:|")
    scores = []
    for path in (args.travel, args.heading_free, *args.weighted):
        vq = MotionVQ.from_checkpoint(path)
        name = f"{vq.config.representation}, root_weight {vq.config.root_weight:g} ({path})"
        for quantised in (False, True):
            s = measure(vq, segments, quantised)
            print(row(name, quantised, s))
        scores.append((path, s))
    (_, travel), (_, unweighted) = scores[:2]
    print(f"\nheading-free {'wins' if heading_free_wins(travel, unweighted) else 'does not win'}"
          " by the rule")
    for path, s in scores[2:]:
        print(f"{path} {'wins' if weighted_wins(unweighted, s) else 'does not win'} against "
              "the unweighted heading-free tokenizer")


if __name__ == "__main__":
    main()
