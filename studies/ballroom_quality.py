"""How much the dance models look like real ballroom dancers, on sequences no weight saw.

The rule, written before any model was scored (issue 21):

* **Real test set**: the held-out ballroom sequences (``dancekit.data.ballroom.TEST_SEQUENCES``:
  1 cha-cha, 2 rumba, 6 waltz), each on its clock, on SMPL-24 through the same mapping and
  inverse kinematics as training, at 30 fps, cut into consecutive ``--segment``-second
  segments from ``START`` s in.
* **Real baseline** (the "real vs real" row): for each test sequence, a training sequence of
  the same genre (lowest SHA-1 of the name not yet used), cut the same way and to the same
  number of segments. It also serves as the music-ignoring baseline for beat alignment: real
  dances paired with other songs.
* **Generated**: each system dances to the test sequence's own span of its song (the part the
  dancer danced to) with the sequence's genre as its style when the model knows it (else
  ``auto``; ``--style-auto``: always ``auto``, as ``dancekit dance`` does by default), seed 0
  (``--seed``; ``--seeds 0,1,2`` gives a row per seed, their mean and the FIDs of all
  their segments pooled),
  re-timed as ``dancekit dance`` does, cut into the same segments.
* **Goals** (issue 21): FID_k and FID_g at most 2x the real baseline's (stretch 1.5x); mean
  horizontal root speed within 0.5x-1.5x of the real test set's; no stretch over 2 s with mean
  joint speed under 0.05 m/s; foot skating at most the real test set's; beat alignment (BAS
  against the tracked beats of the song span) above the real baseline's.

Beside the goals the table gives each system's longest crouch (``crouch_s``: seconds in a row
with the pelvis nearer the feet than anywhere in the real test dances: a lunge or squat drawn
where no held-out couple makes one), its 10 s reach (how far its root gets in a segment,
start to end in a straight line: couples circle, a dancer walking off reaches further at the
same speed), and ``--pictures`` draws every root path seen from above
(``ballroom_floor_paths.png``).

Beat alignment on music with exact beats is the second table: every system dances to the
songs of ``../shared/data/music`` (their first ``--music-seconds``), BAS against the true
beats, with real test dances laid over the same songs as the music-ignoring baseline.

``--split val`` scores on the validation sequences instead (those ``dancekit train`` holds out
of the ballroom data by its default split, seed 0, that have a training sequence of their
genre for the real baseline): for choosing between candidates (checkpoints, settings)
without looking at the test split. ``--music-seconds 0`` skips the exact-beat table.

With ``--floor``, a row per code-drawing system (one with a motion tokenizer: dance-tokens)
for its tokenizer's own rebuilding of the real test dances (encoded to codes and decoded, no
music): the scores its code model could at best reach, since it can only draw motion the
tokenizer decodes. A system far above its floor needs a better code model; a floor above the
goals needs a better tokenizer.

With ``--intervals N``, each FID row also gets a 90 % interval from N resamples of the
held-out sequences (drawn with replacement, each bringing its generated and real segments:
segments of one sequence are not independent of one another), so a difference between two
rows can be read against how much the choice of test songs alone moves them; and every
other row, the share of those resamples (the same draws for every row) in which its FID_k
and FID_g are lower than the first system's: put the current model first and a candidate
after it for a paired comparison.

With ``--pictures DIR``, one PNG per genre of the test set: its first test sequence (real)
above each system's dance to the same music, at the same moments.

    python studies/ballroom_quality.py [--tokens-checkpoint F] [--fact-checkpoint F]
        [--revolution-checkpoint F] [--d2m-checkpoint F] [--systems dance-tokens,fact,...]
        [--segment 10] [--split test|val] [--seed 0 | --seeds 0,1,2] [--temperature T]
        [--music-seconds 30] [--floor] [--intervals 1000] [--pictures docs/images]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

from dancekit.audio import load
from dancekit.data.ballroom import TEST_SEQUENCES, ballroom_sequence
from dancekit.data.sources import BALLROOM_STYLES, smpl_with_rotations
from dancekit.metrics import evaluate
from dancekit.motion import Motion, resample
from dancekit.pipeline import dance

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
BALLROOM = SHARED / "ballroom"
MUSIC = SHARED / "music"
FPS = 30.0
START = 2.0  # seconds skipped at the start of every clip (FACT's seed)
FREEZE_SPEED = 0.05  # m/s: mean joint speed under which a dancer counts as frozen


def genre(name: str) -> str:
    return BALLROOM_STYLES[name.split("_")[1]]


def real_dance(name: str) -> tuple[Motion, dict]:
    """A ballroom sequence on SMPL-24 at 30 fps and its song span."""
    pair = ballroom_sequence(BALLROOM / name)
    motion = resample(smpl_with_rotations(pair.motion), FPS)
    return motion, {"audio": pair.audio, "start": pair.start, "end": pair.end}


def validation_names() -> tuple[str, ...]:
    """The ballroom sequences the Trainer's default split (``val_fraction`` 0.1, seed 0) holds
    out for validation, less those whose genre has no other training sequence."""
    from dancekit.data import Sequence, split_by_sequence
    from dancekit.data.ballroom import timing_table
    from dancekit.train import TrainConfig
    from dancekit.train.trainer import split_seed

    cfg = TrainConfig()
    names = [n for n in timing_table() if n not in TEST_SEQUENCES and n != "DANCE_R_6"]
    empty = np.zeros((1, 0), np.float32)
    _, val = split_by_sequence([Sequence(f"ballroom/{n}", empty, empty, None) for n in names],
                               cfg.val_fraction, split_seed(cfg))
    held = [s.name.split("/")[1] for s in val]
    return tuple(n for n in held if any(genre(o) == genre(n) for o in names if o not in held))


def baseline_names(test: tuple[str, ...]) -> list[str]:
    """For each test sequence, an unused training sequence of its genre (hash order)."""
    from dancekit.data.ballroom import timing_table

    held = set(test) | set(TEST_SEQUENCES)
    pool = sorted((n for n in timing_table() if n not in held and n != "DANCE_R_6"),
                  key=lambda n: hashlib.sha1(n.encode()).hexdigest())
    out = []
    for name in test:
        pick = next(n for n in pool if genre(n) == genre(name) and n not in out)
        out.append(pick)
    return out


def segments(motion: Motion, seconds: float, count: int | None = None) -> list[Motion]:
    """Consecutive ``seconds``-long pieces from START s in (at most ``count``)."""
    n = int(round(seconds * FPS))
    a = int(START * FPS)
    pieces = [motion[s:s + n] for s in range(a, motion.num_frames - n + 1, n)]
    return pieces[:count] if count is not None else pieces


def cut_song(audio: Path, start: float, end: float):
    """The span of a song a dancer danced to, as an Audio."""
    from dataclasses import replace

    song = load(audio)
    a, b = int(start * song.sr), int(min(end, song.duration) * song.sr)
    return replace(song, samples=song.samples[a:b], duration=(b - a) / song.sr)


def model_styles(system: str, checkpoint: str | None) -> list[str]:
    from dancekit.models import load_model

    return list(getattr(load_model(checkpoint or system), "styles", []))


def generate(system: str, checkpoint: str | None, audio, seconds: float, style: str,
             seed: int = 0, temperature: float | None = None, travel: str | None = None) -> Motion:
    """A dance for ``audio`` as ``dancekit dance`` makes it, at 30 fps."""
    model = checkpoint or system
    return resample(dance(audio, model=model, style=style, seed=seed, seconds=seconds,
                          temperature=temperature, travel=travel), FPS)


def tokenizer_of(system: str, checkpoint: str | None):
    """The system's motion tokenizer (dance-tokens'), or None for a system without one."""
    from dancekit.models import load_model

    return getattr(load_model(checkpoint or system), "tokenizer", None)


def rebuilt(vq, motion: Motion) -> Motion:
    """``motion`` encoded to the tokenizer's codes and decoded back, at 30 fps."""
    from dancekit.models.representation import motion_to_features

    feats = motion_to_features(resample(motion, vq.config.fps))
    return resample(vq.to_motion(vq.tokenize(vq.features(feats))), FPS)


def root_speed(motions: list[Motion]) -> float:
    """Mean horizontal root speed, m/s."""
    return float(np.mean([np.linalg.norm(np.diff(m.positions[:, 0, [0, 2]], axis=0), axis=-1)
                          .mean() * m.fps for m in motions]))


def reach(motions: list[Motion]) -> float:
    """Mean straight-line distance (m) from where each clip's root starts to where it ends:
    with root speed, whether a dancer travels round a floor (as couples do) or walks away."""
    return float(np.mean([np.linalg.norm(m.positions[-1, 0, [0, 2]] - m.positions[0, 0, [0, 2]])
                          for m in motions]))


def longest_stretch(motions: list[Motion], flagged) -> float:
    """Longest run (s) of consecutive frames that ``flagged(motion)`` (a boolean array per
    frame) marks, over all clips."""
    worst = 0.0
    for m in motions:
        run = 0
        for hit in flagged(m):
            run = run + 1 if hit else 0
            worst = max(worst, run / m.fps)
    return worst


def longest_freeze(motions: list[Motion]) -> float:
    """Longest stretch (s) with mean joint speed under FREEZE_SPEED, over all clips."""
    return longest_stretch(motions, lambda m: np.linalg.norm(
        np.diff(m.positions, axis=0), axis=-1).mean(1) * m.fps < FREEZE_SPEED)


def pelvis_height(motion: Motion) -> np.ndarray:
    """(T,) metres from the lowest foot joint (the skeleton's ankles, feet, toes, heels) up
    to the pelvis."""
    left, right = motion.skeleton.feet
    return motion.positions[:, 0, 1] - motion.positions[:, left + right, 1].min(1)


def longest_crouch(motions: list[Motion], lowest: float) -> float:
    """Longest stretch (s) with the pelvis nearer the feet than ``lowest`` m (the real test
    dances' lowest), over all clips: a dancer dropping into a lunge or squat no couple of the
    held-out set makes (the capture's closing lunge drawn mid-song)."""
    return longest_stretch(motions, lambda m: pelvis_height(m) < lowest)


def tracked_beats(audio) -> np.ndarray:
    from dancekit.audio import track_beats

    return np.asarray(track_beats(audio).beats, float)


def score(gen: list[Motion], real: list[Motion], beats: list[np.ndarray]) -> dict:
    res = evaluate(gen, real, music_beats=beats, bootstrap=0)["metrics"]
    out = {k: res[k]["value"] for k in ("fid_k", "fid_g", "foot_skating", "bas")
           if k in res}
    out["root_speed"] = root_speed(gen)
    out["reach"] = reach(gen)
    out["freeze_s"] = longest_freeze(gen)
    out["crouch_s"] = longest_crouch(gen, min(float(pelvis_height(m).min()) for m in real))
    return out


def resampled_fids(gen: list[Motion], gen_groups: list[str], real_f: dict[str, np.ndarray],
                   real_groups: list[str], draws: int, seed: int = 0) -> dict[str, np.ndarray]:
    """FID_k and FID_g over ``draws`` resamples of the held-out sequences: each draws the
    sequences with replacement and takes the generated and the real segments of those drawn
    (``*_groups`` name each segment's sequence; ``real_f`` the real segments' kinetic and
    geometric features by FID name). The draws depend only on the sequence names and
    ``seed``, so two rows' values are paired resample by resample."""
    from dancekit.metrics.evaluate import motion_features
    from dancekit.metrics.fid import fid_unchecked

    gen_f = dict(zip(("fid_k", "fid_g"), motion_features(gen), strict=True))
    names = sorted(set(real_groups))
    gen_at, real_at = ({n: np.flatnonzero(np.asarray(groups) == n) for n in names}
                       for groups in (gen_groups, real_groups))
    rng = np.random.default_rng(seed)
    values: dict[str, list[float]] = {"fid_k": [], "fid_g": []}
    for _ in range(draws):
        pick = rng.choice(names, len(names))
        gi = np.concatenate([gen_at[n] for n in pick])
        ri = np.concatenate([real_at[n] for n in pick])
        for key, found in values.items():
            found.append(fid_unchecked(gen_f[key][gi].astype(np.float64),
                                       real_f[key][ri].astype(np.float64),
                                       constant="unscaled"))
    return {key: np.asarray(v) for key, v in values.items()}


def interval_columns(scored: dict[str, tuple[list[Motion], list[str]]], first: str | None,
                     real: list[Motion], real_groups: list[str],
                     draws: int) -> dict[str, dict[str, str]]:
    """Per row: the 90 % ranges of its resampled FIDs and, for every row but ``first`` (the
    first system's row), the share of resamples in which its FID_k and FID_g are lower than
    ``first``'s: a paired comparison (near 1 or 0: the test songs agree)."""
    from dancekit.metrics.evaluate import motion_features

    real_f = dict(zip(("fid_k", "fid_g"), motion_features(real, real=True), strict=True))
    values = {name: resampled_fids(gen, groups, real_f, real_groups, draws)
              for name, (gen, groups) in scored.items()}
    out: dict[str, dict[str, str]] = {}
    for name, v in values.items():
        out[name] = {f"{key} 90%": f"{np.percentile(x, 5):.3g}-{np.percentile(x, 95):.3g}"
                     for key, x in v.items()}
        if first is not None and name != first and first in values:
            out[name]["lower than first k/g"] = " / ".join(
                f"{np.mean(v[key] < values[first][key]):.2f}" for key in ("fid_k", "fid_g"))
    return out


def contact_sheet(rows: dict[str, Motion], out: Path, times=(4.0, 12.0, 20.0, 28.0),
                  size: int = 256) -> None:
    """One row per motion (titled), one column per moment, written as a PNG."""
    from dancekit.render import render_frames
    from dancekit.render.writers import write_png

    lines = []
    for title, motion in rows.items():
        frames = list(render_frames(motion, size=size, fps=1.0, titles=[title]))
        lines.append(np.concatenate([frames[min(int(t), len(frames) - 1)] for t in times], 1))
    write_png(np.concatenate(lines, 0), out)


def floor_paths(sheets: dict[str, dict[str, Motion]], out: Path, seconds: float = 30.0) -> None:
    """Seen from above: each row's root path over its first ``seconds`` (started at the
    origin), one panel per genre, the real couple in black: how far each one travels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(sheets), figsize=(5 * len(sheets), 5.4), squeeze=False)
    for ax, (name, rows) in zip(axes[0], sheets.items(), strict=True):
        for title, motion in rows.items():
            xz = motion.positions[:int(seconds * motion.fps), 0][:, [0, 2]]
            xz = xz - xz[0]
            real = title.startswith("real")
            ax.plot(xz[:, 0], xz[:, 1], color="black" if real else None,
                    lw=2.5 if real else 1.2, label=title.split(",")[0])
        ax.set_title(f"{genre(name)} ({name}), first {seconds:g} s")
        ax.set_aspect("equal", "datalim")
        ax.set_xlabel("x (m)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("z (m)")
    axes[0][-1].legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tokens-checkpoint", default=None,
                    help="weights scored as the dance-tokens row (a candidate for the default "
                         "too: list dance-tokens in --systems)")
    ap.add_argument("--fact-checkpoint", default=None)
    ap.add_argument("--revolution-checkpoint", default=None)
    ap.add_argument("--d2m-checkpoint", default=None)
    ap.add_argument("--systems", default="dance-tokens,dance-tokens-ballroom,fact,"
                    "fact-ballroom,dance-revolution,d2m,procedural")
    ap.add_argument("--segment", type=float, default=10.0)
    ap.add_argument("--music-seconds", type=float, default=30.0,
                    help="exact-beat table: seconds of each song (0: no such table)")
    ap.add_argument("--split", choices=("test", "val"), default="test")
    ap.add_argument("--seed", type=int, default=0, help="the dances' seed (sampling spread)")
    ap.add_argument("--seeds", default=None,
                    help="several dance seeds, e.g. 0,1,2: a row per seed and their mean "
                         "(longest freeze over all); overrides --seed")
    ap.add_argument("--temperature", type=float, default=None,
                    help="sampling temperature of models that take one (default: the model's)")
    ap.add_argument("--travel", default=None,
                    help="where the generated dances' floor path comes from: model, learned "
                         "or a travel checkpoint (dancekit dance --travel; default: as "
                         "dancekit dance chooses)")
    ap.add_argument("--floor", action="store_true",
                    help="add a row per dance-tokens system for its tokenizer rebuilding the "
                         "real test dances: the best its code model could score")
    ap.add_argument("--style-auto", action="store_true",
                    help="every system dances with --style auto (what `dancekit dance` does "
                         "by default) instead of the sequence's genre")
    ap.add_argument("--intervals", type=int, default=0,
                    help="90 %% intervals of the FIDs from this many resamples of the "
                         "held-out sequences (0: none)")
    ap.add_argument("--json", type=Path, default=None, help="also write the tables here")
    ap.add_argument("--pictures", type=Path, default=None,
                    help="write a real-above-generated PNG per genre here")
    args = ap.parse_args()
    if not BALLROOM.is_dir():
        raise SystemExit(f"skipped: {BALLROOM} is not here (the ballroom data)")
    if args.pictures:  # made now, not after minutes of dancing
        args.pictures.mkdir(parents=True, exist_ok=True)
    checkpoints = {"dance-tokens": args.tokens_checkpoint, "fact": args.fact_checkpoint,
                   "dance-revolution": args.revolution_checkpoint, "procedural": None,
                   "dance-tokens-ballroom": None, "fact-ballroom": None,
                   "d2m": args.d2m_checkpoint}
    systems = [s for s in args.systems.split(",") if s]
    seeds = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    unused = [s for s, path in checkpoints.items() if path and s not in systems]
    if unused:  # a candidate's checkpoint silently ignored would score the bundled weights
        raise SystemExit(f"error: a checkpoint is given for {', '.join(unused)}, which "
                         f"--systems does not list")

    held_out = TEST_SEQUENCES if args.split == "test" else validation_names()
    tests = {n: real_dance(n) for n in held_out}
    counts = {n: len(segments(m, args.segment)) for n, (m, _) in tests.items()}
    real = [s for n, (m, _) in tests.items() for s in segments(m, args.segment)]
    songs = {n: cut_song(span["audio"], span["start"], span["end"])
             for n, (_, span) in tests.items()}
    song_beats = {n: tracked_beats(a) for n, a in songs.items()}

    def beats_for(name: str) -> list[np.ndarray]:
        b = song_beats[name]
        return [b - START - k * args.segment for k in range(counts[name])]

    beats = [b for n in tests for b in beats_for(n)]
    rows: dict[str, dict] = {}
    real_groups = [n for n in tests for _ in range(counts[n])]
    # each row's generated segments and the held-out sequence of each, for --intervals
    scored: dict[str, tuple[list[Motion], list[str]]] = {}
    base, base_beats, base_groups = [], [], []
    for n, other in zip(tests, baseline_names(held_out), strict=True):
        pieces = segments(real_dance(other)[0], args.segment, counts[n])
        base += pieces
        base_beats += beats_for(n)[:len(pieces)]
        base_groups += [n] * len(pieces)
    rows["real vs real (other sequences, same genres)"] = score(base, real, base_beats)
    scored["real vs real (other sequences, same genres)"] = (base, base_groups)
    rows["real test set itself"] = {"root_speed": root_speed(real), "reach": reach(real),
                                    "freeze_s": longest_freeze(real),
                                    **{k: v for k, v in score(real, real, beats).items()
                                       if k in ("foot_skating", "bas")}}
    shown = {genre(n): n for n in reversed(held_out)}  # first test sequence per genre
    sheets = {n: {f"real {genre(n)} ({n})": tests[n][0]} for n in shown.values()}
    exact: dict[str, float] = {}
    music = sorted(MUSIC.glob("*.ogg")) if MUSIC.is_dir() and args.music_seconds > 0 else []
    truth = [np.loadtxt(f.with_suffix(".beats.txt"), ndmin=1) - START for f in music]
    if music:
        overlay = [segments(m, args.music_seconds - START, 1)[0] for m, _ in tests.values()]
        overlay = [overlay[k % len(overlay)] for k in range(len(music))]
        exact["real test dances laid over the songs"] = score(overlay, real, truth)["bas"]
    for system in systems:
        vq = tokenizer_of(system, checkpoints[system]) if args.floor else None
        if vq is not None:
            pieces, piece_beats, groups = [], [], []
            for n, (m, _) in tests.items():
                cut = segments(rebuilt(vq, m), args.segment, counts[n])
                pieces += cut
                piece_beats += beats_for(n)[:len(cut)]
                groups += [n] * len(cut)
            name = f"{system}'s tokenizer rebuilding the real test dances"
            rows[name] = score(pieces, real, piece_beats)
            scored[name] = (pieces, groups)
        styles = model_styles(system, checkpoints[system])
        per_seed, per_seed_exact, per_seed_gen, pooled_beats = [], [], [], []
        for seed in seeds:
            gen, gen_beats, gen_groups = [], [], []
            for n, (_, span) in tests.items():
                seconds = min(span["end"] - span["start"], songs[n].duration)
                style = genre(n) if genre(n) in styles and not args.style_auto else "auto"
                motion = generate(system, checkpoints[system], songs[n], seconds, style, seed,
                                  args.temperature, args.travel)
                if n in sheets and seed == seeds[0]:
                    sheets[n][f"{system}, style {motion.meta.get('style', style)}"] = motion
                pieces = segments(motion, args.segment, counts[n])
                gen += pieces
                gen_beats += beats_for(n)[:len(pieces)]
                gen_groups += [n] * len(pieces)
            per_seed.append(score(gen, real, gen_beats))
            per_seed_gen.append((gen, gen_groups))
            pooled_beats += gen_beats
            if music:
                clips = [generate(system, checkpoints[system], f, args.music_seconds, "auto",
                                  seed, args.temperature, args.travel) for f in music]
                per_seed_exact.append(score([segments(c, args.music_seconds - START, 1)[0]
                                             for c in clips], real, truth)["bas"])
        if len(seeds) == 1:
            rows[system] = per_seed[0]
            scored[system] = per_seed_gen[0]
        else:
            for seed, row, made in zip(seeds, per_seed, per_seed_gen, strict=True):
                rows[f"{system}, seed {seed}"] = row
                scored[f"{system}, seed {seed}"] = made
            label = f"{system}, mean of seeds {','.join(map(str, seeds))}"
            rows[f"{label} (freeze, crouch: longest)"] = {
                k: (max if k in ("freeze_s", "crouch_s") else np.mean)([r[k] for r in per_seed])
                for k in per_seed[0]}
            # every seed's segments against the real ones at once: one draw that falls into
            # an odd dance moves this less than the mean of per-seed FIDs on a few segments
            pooled = score([g for gen, _ in per_seed_gen for g in gen], real, pooled_beats)
            rows[f"{system}, seeds {','.join(map(str, seeds))} pooled"] = {
                k: pooled[k] for k in ("fid_k", "fid_g")}
        if per_seed_exact:
            exact[system] = float(np.mean(per_seed_exact))
        print(f"{system}: done", flush=True)

    cols: tuple[str, ...] = ("fid_k", "fid_g", "root_speed", "reach", "freeze_s",
                             "crouch_s", "foot_skating", "bas")
    if args.intervals > 0:
        lead = systems[0] if systems else None  # its first row is what the others face
        first = next((n for n in scored if n.split(",")[0] == lead), None)
        for name, extra in interval_columns(scored, first, real, real_groups,
                                            args.intervals).items():
            rows[name].update(extra)
        cols = ("fid_k", "fid_k 90%", "fid_g", "fid_g 90%") + cols[2:] + (
            "lower than first k/g",)
    print(f"\nheld-out real ballroom ({len(real)} segments of {args.segment:g} s from "
          f"{len(tests)} sequences)")
    print("| system | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, r in rows.items():
        print(f"| {name} | " + " | ".join(
            "-" if c not in r else r[c] if isinstance(r[c], str) else f"{r[c]:.3g}"
            for c in cols) + " |")
    if exact:
        print(f"\nbeat alignment on {len(music)} songs with exact beats (BAS, first "
              f"{args.music_seconds:g} s, style auto)")
        print("| system | BAS |\n|---|---|")
        for name, bas in exact.items():
            print(f"| {name} | {bas:.3f} |")
    if args.json:
        args.json.write_text(json.dumps({"ballroom": rows, "exact_beats": exact}, indent=1))
    if args.pictures:
        for n, sheet in sheets.items():
            contact_sheet(sheet, args.pictures / f"ballroom_{genre(n)}.png")
        floor_paths(sheets, args.pictures / "ballroom_floor_paths.png")


if __name__ == "__main__":
    main()
