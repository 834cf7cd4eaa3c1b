"""Procedural choreographer: generation speed and how well the dances follow the music.

    python studies/procedural.py [--seeds 3] [--seconds 30]

Speed: seconds of music (synthesis) and of dance (choreography) produced per wall-clock
second, per style, best of ``--repeat`` runs (the machine is shared; the least disturbed run
is reported) plus CPU seconds, and the procedural model end to end on a real recording
(decoding, beat tracking, choreography).

Quality, on ``--seeds`` synthetic pairs per style: Beat Align Score (dancekit's corrected
protocol: mean over kinematic beats, sigma 50 ms; and Bailando's: mean over music beats,
sigma 3 frames at 60 fps) against the true beats, the same grid shifted by half a beat, and
as many beats at random times; dances for these are made at 60 fps, the rate the published
protocols assume (Bailando's smoothing and sigma are in frames). Foot slide of
planted feet (as the choreographer planted them) and the common skating ratio (any foot
joint within 5 cm of the floor moving faster than 0.5 m/s); bone-length drift; joint-limit
violations; and how well a beat tracker (``dancekit.audio.track_beats``) finds the
synthesised beats (F-measure, 70 ms). On real music from ``../shared/data/music`` (ground-truth
beats) the model's BAS is measured the same way.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np

from dancekit.audio import Audio, track_beats
from dancekit.metrics import beat_align_score, foot_skating_ratio
from dancekit.models import load_model
from dancekit.synth import STYLES, choreograph, synthesize
from dancekit.synth.dataset import pair_seed
from dancekit.synth.ik import SIDES
from dancekit.synth.poses import limit_violations

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _timed(fn, repeat: int):
    best, cpu, out = np.inf, np.inf, None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _cpu()
        out = fn()
        best, cpu = min(best, time.perf_counter() - t0), min(cpu, _cpu() - c0)
    return out, best, cpu


def _grids(beats: np.ndarray, seconds: float,
           rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The true beats, the same grid half a beat late, and as many random times."""
    return {"true": beats, "half-beat shift": beats + np.median(np.diff(beats)) / 2,
            "random": np.sort(rng.uniform(0, seconds, len(beats)))}


def _planted_slide(motion) -> float:
    """Mean horizontal speed (m/s) of the contact point of planted feet: the ankle of a flat
    foot, the toe of a foot on its ball."""
    state = np.array(motion.meta["contacts"])
    speeds = []
    for side, s in enumerate(SIDES):
        for value, joint in ((1, s["ankle"]), (2, s["toe"])):
            both = (state[1:, side] == value) & (state[:-1, side] == value)
            step = np.linalg.norm(np.diff(motion.positions[:, joint, [0, 2]], axis=0), axis=-1)
            speeds.append(step[both] * motion.fps)
    return float(np.concatenate(speeds).mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    import mir_eval

    rng = np.random.default_rng(0)
    speed_rows, quality = [], {}
    for style in STYLES:
        q = quality.setdefault(style, {k: [] for k in (
            "true", "half-beat shift", "random", "b_true", "b_random", "slide", "skate",
            "bones", "limits", "F")})
        for k in range(args.seeds):
            seed = pair_seed(0, k)
            song, t_syn, c_syn = _timed(
                lambda s=style, sd=seed: synthesize(s, seconds=args.seconds, seed=sd),
                args.repeat if k == 0 else 1)
            if k == 0:
                _, t_cho, c_cho = _timed(
                    lambda sg=song, s=style, sd=seed: choreograph(sg.grid, s, seed=sd),
                    args.repeat)
                speed_rows.append((style, args.seconds / t_syn, args.seconds / c_syn,
                                   args.seconds / t_cho, args.seconds / c_cho))
            motion = choreograph(song.grid, style, seed=seed, fps=60)
            beats = np.array(song.truth["beats"])
            grids = _grids(beats, args.seconds, rng)
            for name, grid in grids.items():
                q[name].append(beat_align_score(motion, grid))
            q["b_true"].append(beat_align_score(motion, beats, protocol="bailando"))
            q["b_random"].append(beat_align_score(motion, grids["random"], protocol="bailando"))
            q["slide"].append(_planted_slide(motion))
            q["skate"].append(foot_skating_ratio(motion))
            p = motion.positions
            bones = np.linalg.norm(p[:, 1:] - p[:, list(motion.skeleton.parents[1:])], axis=-1)
            q["bones"].append(float(np.ptp(bones, axis=0).max()))
            q["limits"].append(len(limit_violations(motion.rotations)))
            found = track_beats(Audio.from_array(song.samples, song.sr))
            q["F"].append(mir_eval.beat.f_measure(mir_eval.beat.trim_beats(beats),
                                                  mir_eval.beat.trim_beats(found.beats)))

    print(f"### Speed ({args.seconds:g} s clips, dances at 30 fps; x = seconds produced per "
          "second)\n")
    print("| style | music synthesis, wall | music, CPU | choreography, wall | "
          "choreography, CPU |")
    print("|---|---|---|---|---|")
    for style, a, b, c, d in speed_rows:
        print(f"| {style} | {a:.0f}x | {b:.0f}x | {c:.0f}x | {d:.0f}x |")

    real = sorted((DATA / "music").glob("*.ogg"))[:6]
    if real:
        model = load_model("procedural")
        walls, bas, shifted = [], [], []
        for ogg in real:
            motion, wall, _ = _timed(lambda f=ogg: model.generate(f, seed=0), 1)
            walls.append(motion.duration / wall)
            beats = np.loadtxt(str(ogg)[:-4] + ".beats.txt", ndmin=1)
            beats = beats[beats < motion.duration]
            bas.append(beat_align_score(motion, beats))
            shifted.append(beat_align_score(motion, beats + np.median(np.diff(beats)) / 2))
        print(f"\nProcedural model end to end on {len(real)} real recordings "
              f"(decode + beat tracking + dance): {np.median(walls):.0f}x real time (median).")

    print(f"\n### Following the music ({args.seeds} pairs per style at 60 fps, mean)\n")
    print("| style | BAS true beats | half-beat shift | random beats | BAS Bailando true | "
          "Bailando random | tracker F on the music |")
    print("|---|---|---|---|---|---|---|")
    for style, q in quality.items():
        print(f"| {style} | {np.mean(q['true']):.3f} | {np.mean(q['half-beat shift']):.3f} | "
              f"{np.mean(q['random']):.3f} | {np.mean(q['b_true']):.3f} | "
              f"{np.mean(q['b_random']):.3f} | {np.mean(q['F']):.3f} |")
    allq = {k: np.mean([v for q in quality.values() for v in q[k]]) for k in
            ("true", "half-beat shift", "random", "b_true", "b_random", "F")}
    print(f"| **all** | **{allq['true']:.3f}** | {allq['half-beat shift']:.3f} | "
          f"{allq['random']:.3f} | **{allq['b_true']:.3f}** | {allq['b_random']:.3f} | "
          f"{allq['F']:.3f} |")
    if real:
        print(f"| real music ({len(real)} clips, tracked beats) | {np.mean(bas):.3f} | "
              f"{np.mean(shifted):.3f} | | | | |")

    print("\n### Physical plausibility\n")
    print("| style | planted-foot slide (m/s) | skating ratio | max bone-length drift (m) | "
          "joint-limit violations |")
    print("|---|---|---|---|---|")
    for style, q in quality.items():
        print(f"| {style} | {np.mean(q['slide']):.4f} | {np.mean(q['skate']):.3f} | "
              f"{max(q['bones']):.1e} | {sum(q['limits'])} |")
    bvh = DATA / "bvh" / "dataset-1_dance-short_normal_001.bvh"
    if bvh.is_file():
        from dancekit.io import load_motion

        ref = load_motion(bvh)
        print(f"| reference: real mocap (Bandai Namco BVH, {ref.duration:.0f} s) | | "
              f"{foot_skating_ratio(ref):.3f} | | |")


if __name__ == "__main__":
    main()
