"""Beat tracking against ground truth: dancekit's tracker next to librosa's default one.

For every ``*.ogg`` in the music folder with a ``.beats.txt`` beside it, both trackers run on
the file and are scored with ``mir_eval.beat.evaluate`` (the standard evaluation, which
ignores the first 5 s of both beat lists): F-measure (70 ms window), CMLt and AMLt. Downbeats
of dancekit are scored with the F-measure against ``.downbeats.txt`` after the same trimming.
The baseline is ``librosa.beat.beat_track(y=y, sr=22050)`` on ``librosa.load(path)``, all at
librosa's defaults.

A second, independent check follows: 12 synthetic songs (``dancekit.synth.synthesize``, two
seeds for each of its six styles, 30 s), whose exact beats come from the synthesiser, scored
the same way for both trackers. It catches a change that helps the real excerpts by hurting
drum-driven dance music.

With ``--long MINUTES`` it instead measures a long song: one excerpt is looped into a stereo
44.1 kHz MP3 and M4A of that length (ffmpeg, in a temporary folder), and each is loaded at
22.05 kHz and beat-tracked in a fresh process that reports its time and peak RSS.

    python studies/beats.py                       # ../shared/data/music
    python studies/beats.py --dir DIR --markdown  # any such folder, e.g. beats_corpus.py's
    python studies/beats.py --long 20             # memory and time on a 20-minute song
    python studies/beats.py --no-synth            # the real excerpts only
    python studies/beats.py --cues                # the tracker without its beat network
    python studies/beats.py --cv                  # split-half validation of the tempo prior
    python studies/beats.py --cv --train EXT      # prior chosen on EXT, scored on --dir
    python studies/beats.py --fit-level EXT [EXT2 ...]  # fit the metrical-level model
    python studies/beats.py --fit-meter EXT [EXT2 ...]  # fit the two-or-three model
    python studies/beats.py --dir S0 S10 S11 --skip-collection "O'Neill's 1850 collection" \
        --weights CANDIDATE/beat_tcn.safetensors --no-synth   # leave-collections-out check

``--cv`` asks how much of the score on a set is owed to tuning on it. The tempo prior
(``BeatSettings.prior_bpm`` x ``prior_octaves``) is re-chosen from a grid on one half of the
excerpts and scored on the other, for every split into two halves (2000 random ones for sets
above 20), and in leave-one-out; the held-out means are printed next to the in-sample mean of
the shipped defaults. With ``--train DIR`` the prior is chosen on DIR and scored on
``--dir``, and the other way round.

``--fit-level`` and ``--fit-meter`` concern the tracker on hand-made cues alone (``--cues``;
the default tracker reads the metrical level from its beat network instead).
``--fit-level`` fits the logistic model of ``dancekit.audio.beats.level`` on the excerpts of
the given folders (made by ``dataprep/beats_corpus.py``) plus synthetic songs at seeds 100
on (``--fit-synth``), checks it on ``--dir`` (the DEV set, held out), fits it the other way
round too, and prints the constants to paste into ``level.py``. ``--fit-meter`` does the
same for the two-or-three (compound meter) model of ``dancekit.audio.beats.grouping``, with
the annotated meter (``index.csv``) as the label and both readings of every excerpt tracked
and scored; the shipped constants come from
``--fit-meter ~/.cache/dancekit/beats_corpus ~/.cache/dancekit/beats_corpus_s1
~/.cache/dancekit/beats_corpus_s3 ~/.cache/dancekit/beats_corpus_s4`` (``beats_corpus.py``
explains the draws).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import librosa
import mir_eval
import numpy as np

from dancekit.audio import Audio, Beats, BeatSettings, load, track_beats
from dancekit.audio.beats import track_spectrograms
from dancekit.audio.beats.cues import FPS, SR, estimate_period, onset_novelty, spectrograms
from dancekit.audio.beats.grouping import FEATURES as GROUPING_FEATURES
from dancekit.audio.beats.hmm import refine
from dancekit.audio.beats.level import level_candidates
from dancekit.audio.beats.meter import two_or_three
from dancekit.audio.beats.tracker import tracked_pulse
from dancekit.audio.loading import as_audio
from dancekit.utils import progress

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "music"


#: Styles of the synthetic check and the seeds drawn for each.
SYNTH_STYLES = ("hiphop", "house", "pop", "waltz", "latin", "ballet")
SYNTH_SEEDS = (0, 1)
#: Grid of the tempo prior searched by ``--cv`` (centre in BPM, width in octaves).
CV_CENTRES = (90.0, 100.0, 110.0, 125.0, 140.0)
CV_WIDTHS = (0.6, 0.9, 1.2)


def collection_of(song: Path) -> str:
    """The composer or collection of an excerpt, from its folder's ``index.csv`` ("" if none)."""
    index = song.parent / "index.csv"
    if not index.exists():
        return ""
    with open(index, newline="") as f:
        return next((row.get("composer_collection", "") for row in csv.DictReader(f)
                     if row["name"] == song.stem), "")


def librosa_default(path: Path) -> np.ndarray:
    y, sr = librosa.load(path)
    return librosa_beats(y, sr)


def librosa_beats(y: np.ndarray, sr: int) -> np.ndarray:
    _, beats = librosa.beat.beat_track(y=y, sr=sr, units="time")
    return np.asarray(beats, dtype=float)


def score(reference: np.ndarray, estimate: np.ndarray) -> tuple[float, float, float]:
    s = mir_eval.beat.evaluate(reference, estimate)
    return s["F-measure"], s["Correct Metric Level Total"], s["Any Metric Level Total"]


def downbeat_f(reference: np.ndarray, estimate: np.ndarray) -> float:
    return mir_eval.beat.f_measure(mir_eval.beat.trim_beats(reference),
                                   mir_eval.beat.trim_beats(estimate))


_CHILD = """
import resource, sys, time
import dancekit.audio as audio
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
base = rss()
start = time.perf_counter()
song = audio.load(sys.argv[1], sr=22050)
loaded = time.perf_counter() - start
load_rss = rss()
start = time.perf_counter()
audio.track_beats(song)
print(base, loaded, load_rss, song.samples.nbytes / 2**20, time.perf_counter() - start, rss())
"""


def long_song(minutes: float, data: Path) -> None:
    """Time and peak RSS of loading and beat-tracking a long MP3 and M4A."""
    import imageio_ffmpeg

    source = sorted(data.glob("*.ogg"))[0]
    loops = int(np.ceil(minutes * 60 / 30.0))
    print(f"{'file':6s} {'minutes':>7s} {'imports MiB':>11s} {'load s':>6s} "
          f"{'load peak MiB':>13s} {'samples MiB':>11s} {'beats s':>7s} {'beats peak MiB':>14s}")
    with tempfile.TemporaryDirectory() as tmp:
        for ext, codec in (("mp3", "libmp3lame"), ("m4a", "aac")):
            path = Path(tmp) / f"long.{ext}"
            subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-stream_loop",
                            str(loops - 1), "-i", str(source), "-t", str(minutes * 60),
                            "-ac", "2", "-ar", "44100", "-c:a", codec, str(path)], check=True)
            out = subprocess.run([sys.executable, "-c", _CHILD, str(path)], check=True,
                                 capture_output=True, text=True).stdout.split()
            base, load_s, load_rss, samples, beats_s, beats_rss = map(float, out)
            print(f"{ext:6s} {minutes:7.1f} {base:11.0f} {load_s:6.1f} {load_rss:13.0f} "
                  f"{samples:11.0f} {beats_s:7.1f} {beats_rss:14.0f}")


def dancekit_beats(audio: Audio, cues: bool, settings: BeatSettings) -> Beats:
    """dancekit's tracker, or with ``cues`` its hand-made cues alone (no beat network)."""
    return track_beats(audio, settings=settings, tracker="cues" if cues else "network")


def synthetic(markdown: bool, cues: bool, settings: BeatSettings) -> None:
    """Both trackers on synthesised songs with exact beats: one row per song and the means."""
    from dancekit.synth import synthesize

    cases = [(style, seed) for style in SYNTH_STYLES for seed in SYNTH_SEEDS]
    rows = []
    for style, seed in progress(cases, total=len(cases), description="synthetic songs"):
        song = synthesize(style, seconds=30.0, seed=seed)
        reference = np.asarray(song.truth["beats"], dtype=float)
        ours = dancekit_beats(Audio.from_array(song.samples, song.sr), cues, settings)
        gt_bpm = 60.0 / float(np.median(np.diff(reference)))
        rows.append((f"{style} seed {seed}", gt_bpm, ours.tempo,
                     f"{ours.meter} ({song.truth['meter']})", *score(reference, ours.beats),
                     *score(reference, librosa_beats(song.samples, song.sr))))
    header = ("synthetic song", "GT BPM", "our BPM", "our meter (true)", "F", "CMLt", "AMLt",
              "librosa F", "librosa CMLt", "librosa AMLt")
    print()
    print_table(header, rows, markdown)


def print_table(header: tuple[str, ...], rows: list[tuple], markdown: bool) -> None:
    """Rows of (name, GT BPM, our BPM, meter, scores...) and the mean of every score column,
    as aligned text or as a markdown table."""
    means = np.nanmean(np.array([r[4:] for r in rows], dtype=float), axis=0)
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for r in rows:
            print(f"| {r[0]} | {r[1]:.0f} | {r[2]:.0f} | {r[3]} | "
                  + " | ".join(f"{x:.3f}" for x in r[4:]) + " |")
        print("| **mean** | | | | " + " | ".join(f"**{x:.3f}**" for x in means) + " |")
        return
    width = max(len(str(r[0])) for r in rows)
    meter = max(len(header[3]), *(len(r[3]) for r in rows))
    print(f"{header[0]:{width}s} {'GT':>5s} {'ours':>5s} {header[3]:>{meter}s} "
          + " ".join(f"{h.replace('librosa', 'lib').replace('downbeat ', 'down'):>8s}"
                     for h in header[4:]))
    for r in rows:
        print(f"{r[0]:{width}s} {r[1]:5.0f} {r[2]:5.0f} {r[3]:>{meter}s} "
              + " ".join(f"{x:8.3f}" for x in r[4:]))
    print(f"{'mean':{width}s} {'':5s} {'':5s} {'':{meter}s} "
          + " ".join(f"{x:8.3f}" for x in means))


def prior_grid(songs: list[Path], settings: BeatSettings) -> np.ndarray:
    """F-measure of every tempo-prior grid point (rows) on every excerpt (columns), the
    other settings as given."""
    audios = [load(song, sr=SR) for song in songs]
    references = [np.loadtxt(song.with_suffix(".beats.txt"), ndmin=1) for song in songs]
    grid = list(itertools.product(CV_CENTRES, CV_WIDTHS))
    f = np.zeros((len(grid), len(songs)))
    for g, (centre, width) in enumerate(progress(grid, total=len(grid), description="grid")):
        point = replace(settings, prior_bpm=centre, prior_octaves=width)
        for i, audio in enumerate(audios):
            f[g, i] = score(references[i], track_beats(audio, settings=point).beats)[0]
    return f


def transfer(train: list[Path], test: list[Path], settings: BeatSettings) -> None:
    """Tempo prior chosen on one set, scored on the other, in both directions."""
    grid = list(itertools.product(CV_CENTRES, CV_WIDTHS))
    f_train, f_test = prior_grid(train, settings), prior_grid(test, settings)
    defaults = (settings.prior_bpm, settings.prior_octaves)
    print(f"{'prior (BPM, octaves)':>20s} {'train F':>8s} {'test F':>8s}")
    for g, (centre, width) in enumerate(grid):
        print(f"{f'{centre:g}, {width:g}':>20s} {f_train[g].mean():8.3f} {f_test[g].mean():8.3f}")
    for name, a, b in (("train", f_train, f_test), ("test", f_test, f_train)):
        fit = a.mean(axis=1)
        tied = np.isclose(fit, fit.max())
        print(f"chosen on {name} ({[grid[g] for g in np.flatnonzero(tied)]}): mean F there "
              f"{fit.max():.3f}, on the other set {b[tied].mean():.3f}")
    if defaults in grid:
        g = grid.index(defaults)
        print(f"shipped {defaults}: train {f_train[g].mean():.3f}, test {f_test[g].mean():.3f}")


def cross_validate(songs: list[Path], settings: BeatSettings) -> None:
    """In-sample against held-out F-measure when the tempo prior is tuned on part of the set."""
    grid = list(itertools.product(CV_CENTRES, CV_WIDTHS))
    f = prior_grid(songs, settings)  # F-measure of every grid point on every excerpt
    defaults = (settings.prior_bpm, settings.prior_octaves)
    shipped = grid.index(defaults) if defaults in grid else None

    def held_out(train: np.ndarray, test: np.ndarray) -> float:
        # Grid points tied on the training half are equally likely picks: average them.
        fit = f[:, train].mean(axis=1)
        return float(f[np.isclose(fit, fit.max()), :][:, test].mean())

    n = len(songs)
    everyone = np.arange(n)
    if n <= 20:
        halves = [np.array(a) for a in itertools.combinations(everyone, n // 2)]
    else:  # too many to enumerate: 2000 random halves
        rng = np.random.default_rng(0)
        halves = [np.sort(rng.permutation(n)[:n // 2]) for _ in range(2000)]
    split = [held_out(a, np.setdiff1d(everyone, a)) for a in halves]
    loo = [held_out(np.delete(everyone, i), np.array([i])) for i in everyone]
    best = int(np.argmax(f.mean(axis=1)))
    print(f"{'prior (BPM, octaves)':>20s} {'mean F':>7s}")
    for g, (centre, width) in enumerate(grid):
        print(f"{f'{centre:g}, {width:g}':>20s} {f[g].mean():7.3f}")
    if shipped is not None:
        print(f"\nshipped prior {defaults}: in-sample mean F {f[shipped].mean():.3f}")
    print(f"best grid point {grid[best]}: in-sample mean F {f[best].mean():.3f}")
    print(f"tuned on one half, scored on the other ({len(halves)} splits): mean F "
          f"{np.mean(split):.3f} (5th-95th percentile {np.percentile(split, 5):.3f}-"
          f"{np.percentile(split, 95):.3f})")
    print(f"leave-one-out: mean F {np.mean(loo):.3f}")


#: Inverse regularisation strengths searched by ``--fit-level`` (leave-one-out on the fit set).
LEVEL_C = (0.03, 0.1, 0.3, 1.0, 3.0)


def level_examples(songs: list[Path], settings: BeatSettings, synth_seeds: range = range(0)
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Level features of every excerpt and the F-measure of keeping or halving its pulse
    (features NaN, and both F-measures equal, where the pulse cannot be halved). With
    ``synth_seeds``, synthetic songs of every :data:`SYNTH_STYLES` style at those seeds join."""
    from dancekit.synth import synthesize

    cases = [(song, None) for song in songs]
    cases += [(style, seed) for style in SYNTH_STYLES for seed in synth_seeds]
    features, f_keep, f_halve = [], [], []
    for name, seed in progress(cases, total=len(cases), description="pulses"):
        if seed is None:
            reference = np.loadtxt(name.with_suffix(".beats.txt"), ndmin=1)
            audio = load(name, sr=SR)
        else:
            song = synthesize(name, seconds=30.0, seed=seed)
            reference = np.asarray(song.truth["beats"], dtype=float)
            audio = as_audio(Audio.from_array(song.samples, song.sr), SR)
        spec, chroma = spectrograms(audio.samples)
        pulse = tracked_pulse(spec, chroma, settings, tracker="cues")
        x, halved = level_candidates(pulse.novelty, chroma, pulse.bass, pulse.frames,
                                     pulse.period, settings)
        keep = refine(pulse.frames, pulse.novelty) / FPS
        half = keep if halved is None else refine(halved, pulse.novelty) / FPS
        features.append(np.full(len(x), np.nan) if halved is None else x)
        f_keep.append(score(reference, keep)[0])
        f_halve.append(score(reference, half)[0])
    return np.array(features), np.array(f_keep), np.array(f_halve)


def meter_examples(songs: list[Path], settings: BeatSettings, synth_seeds: range = range(0)
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two-or-three features of every excerpt, the F-measure of the whole tracker with the
    simple and with the compound reading forced, and whether the annotated meter is compound
    (x/8). Synthetic songs of every :data:`SYNTH_STYLES` style at ``synth_seeds`` join."""
    from dancekit.synth import synthesize

    meters = {}
    for folder in {song.parent for song in songs}:
        index = folder / "index.csv"
        if index.exists():
            with open(index, newline="") as f:
                meters |= {row["name"]: row["meter"] for row in csv.DictReader(f)}
    cases = [(song, None) for song in songs]
    cases += [(style, seed) for style in SYNTH_STYLES for seed in synth_seeds]
    features, f_simple, f_compound, compound = [], [], [], []
    for name, seed in progress(cases, total=len(cases), description="meters"):
        if seed is None:
            if name.stem not in meters:
                raise SystemExit(f"no meter for {name.stem} in {name.parent}/index.csv")
            reference = np.loadtxt(name.with_suffix(".beats.txt"), ndmin=1)
            audio, meter = load(name, sr=SR), meters[name.stem]
        else:
            song = synthesize(name, seconds=30.0, seed=seed)
            reference = np.asarray(song.truth["beats"], dtype=float)
            audio = as_audio(Audio.from_array(song.samples, song.sr), SR)
            meter = song.truth["meter"]
        spec, chroma = spectrograms(audio.samples)
        novelty = onset_novelty(spec)
        period = estimate_period(novelty, settings)
        x = None if period is None else two_or_three(
            novelty, onset_novelty(spec[:settings.bass_bands]), chroma, period, settings)[1]
        features.append(np.full(len(GROUPING_FEATURES), np.nan) if x is None else x)
        for forced, f_reading in ((False, f_simple), (True, f_compound)):
            f_reading.append(score(reference, track_spectrograms(
                spec, chroma, settings=settings, tracker="cues", compound=forced).beats)[0])
        compound.append(meter.endswith("/8"))
    return np.array(features), np.array(f_simple), np.array(f_compound), np.array(compound)


def fit_decision(sets: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
                 prefix: str) -> None:
    """Fit a yes/no decision of the tracker on one set and check it on the other, both ways.

    ``sets`` maps "fit" and "check" to (features, F-measure if no, F-measure if yes, label).
    A logistic regression on standardised features, each excerpt weighted by how much the
    decision changes its F-measure (excerpts where it does not matter carry no weight); the
    regularisation is chosen by leave-one-out on the fit set. Prints the constants
    (``{prefix}_MEAN`` ...) to paste into the module that holds the decision.
    """
    from sklearn.linear_model import LogisticRegression

    def model(x: np.ndarray, label: np.ndarray, weight: np.ndarray, c: float):
        usable = np.all(np.isfinite(x), axis=1)
        x, label, weight = x[usable], label[usable], weight[usable]
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        clf = LogisticRegression(C=c).fit((x - mean) / scale, label,
                                          sample_weight=weight + 1e-6)
        return mean, scale, clf.coef_[0], float(clf.intercept_[0])

    def predict(params, x: np.ndarray) -> np.ndarray:
        mean, scale, coef, bias = params
        return np.nan_to_num(((x - mean) / scale) @ coef + bias, nan=-1.0) > 0

    def mean_f(yes: np.ndarray, f_no: np.ndarray, f_yes: np.ndarray) -> float:
        return float(np.where(yes, f_yes, f_no).mean())

    for fit_name, check_name in (("fit", "check"), ("check", "fit")):
        x, f_no, f_yes, label = sets[fit_name]
        weight = np.abs(f_yes - f_no)
        if len(set(label[weight > 0].tolist())) < 2:
            print(f"\nfit on {fit_name}: every excerpt where the choice matters has the same "
                  "label, nothing to fit")
            continue
        loo = {}
        for c in LEVEL_C:
            yes = np.array([predict(model(np.delete(x, i, 0), np.delete(label, i),
                                          np.delete(weight, i), c), x[i:i + 1])[0]
                            for i in range(len(x))])
            loo[c] = mean_f(yes, f_no, f_yes)
        c = max(LEVEL_C, key=lambda k: (round(loo[k], 4), -k))
        params = model(x, label, weight, c)
        xc, nc, yc, _ = sets[check_name]
        print(f"\nfit on {fit_name} set ({len(x)} excerpts, {int(np.isfinite(x[:, 0]).sum())} "
              f"with features, yes better on {int(np.sum(f_yes > f_no))}, no better on "
              f"{int(np.sum(f_no > f_yes))}); C by leave-one-out: "
              + ", ".join(f"{k:g}: {v:.3f}" for k, v in loo.items()))
        print(f"  {fit_name}: always no {f_no.mean():.3f}, model in-sample "
              f"{mean_f(predict(params, x), f_no, f_yes):.3f}, leave-one-out {loo[c]:.3f},"
              f" oracle {np.maximum(f_no, f_yes).mean():.3f}")
        print(f"  {check_name} (held out): always no {nc.mean():.3f}, model "
              f"{mean_f(predict(params, xc), nc, yc):.3f}, oracle "
              f"{np.maximum(nc, yc).mean():.3f}; yes for {int(predict(params, xc).sum())} "
              f"of {len(xc)}")
        mean, scale, coef, bias = params
        print(f"  {prefix}_MEAN = np.array([" + ", ".join(f"{v:.4g}" for v in mean) + "])")
        print(f"  {prefix}_SCALE = np.array([" + ", ".join(f"{v:.4g}" for v in scale) + "])")
        print(f"  {prefix}_COEF = np.array([" + ", ".join(f"{v:.4g}" for v in coef) + "])")
        print(f"  {prefix}_BIAS = {bias:.4g}")


def fit_level(train: list[Path], test: list[Path], settings: BeatSettings,
              synth_seeds: range = range(0)) -> None:
    """Fit the metrical-level model (label: halving scores better) on ``train`` and synthetic
    songs, check it on ``test``, and the other way round."""
    sets = {}
    for name, songs, seeds in (("fit", train, synth_seeds), ("check", test, range(0))):
        x, f_keep, f_halve = level_examples(songs, settings, seeds)
        sets[name] = (x, f_keep, f_halve, f_halve > f_keep)
    fit_decision(sets, "LEVEL")


def fit_meter(train: list[Path], test: list[Path], settings: BeatSettings,
              synth_seeds: range = range(0)) -> None:
    """Fit the two-or-three model (label: the annotated meter is compound) on ``train`` and
    synthetic songs, check it on ``test``, and the other way round."""
    fit_decision({"fit": meter_examples(train, settings, synth_seeds),
                  "check": meter_examples(test, settings)}, "GROUPING")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", "--data", dest="data", type=Path, nargs="+",
                        default=[DEFAULT_DATA], metavar="DIR",
                        help="folders of NAME.ogg + NAME.beats.txt (+ NAME.downbeats.txt), "
                        "e.g. ones built by dataprep/beats_corpus.py (one table for all)")
    parser.add_argument("--skip-collection", nargs="+", default=[], metavar="NAME",
                        help="leave out the excerpts of these composers/collections (the "
                        "folders' index.csv), e.g. the ones a network under test trained on")
    parser.add_argument("--weights", type=Path, metavar="FILE",
                        help="beat network weights to use instead of the bundled ones (a "
                        "candidate from recipes/train_beat_net.py)")
    parser.add_argument("--train", type=Path, metavar="DIR",
                        help="with --cv: choose the tempo prior on DIR, score it on --dir "
                        "(and the other way round)")
    parser.add_argument("--fit-level", type=Path, nargs="+", metavar="DIR",
                        help="fit the metrical-level model on the excerpts of the DIRs, check "
                        "it on --dir (and the other way round); prints the constants for "
                        "dancekit/audio/beats/level.py")
    parser.add_argument("--fit-meter", type=Path, nargs="+", metavar="DIR",
                        help="fit the two-or-three (compound meter) model on the excerpts of "
                        "the DIRs (meters from their index.csv), check it on --dir (and the "
                        "other way round); prints the constants for "
                        "dancekit/audio/beats/grouping.py")
    parser.add_argument("--fit-synth", type=int, default=8, metavar="N",
                        help="with --fit-level/--fit-meter: also fit on N synthetic songs per "
                        "style (seeds 100 on; the check above uses seeds 0 and 1)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--long", type=float, metavar="MINUTES",
                        help="measure loading and tracking a song this long instead")
    parser.add_argument("--no-synth", action="store_true",
                        help="skip the second check on synthesised songs")
    parser.add_argument("--cues", action="store_true",
                        help="run the tracker on its hand-made cues alone, without the beat "
                        "network (the tracker before it, for comparison)")
    parser.add_argument("--cv", action="store_true",
                        help="split-half and leave-one-out validation of the tempo prior")
    args = parser.parse_args()
    if args.long:
        long_song(args.long, args.data[0])
        return
    settings = BeatSettings(weights=args.weights)
    songs = [p for d in args.data for p in sorted(d.glob("*.ogg"))
             if p.with_suffix(".beats.txt").exists()
             and collection_of(p) not in args.skip_collection]
    if not songs:
        raise SystemExit(f"no NAME.ogg with NAME.beats.txt in {args.data}")
    for dirs, fit in ((args.fit_level, fit_level), (args.fit_meter, fit_meter)):
        if dirs:
            fit(sorted(p for d in dirs for p in d.glob("*.ogg")
                       if p.with_suffix(".beats.txt").exists()), songs, settings,
                range(100, 100 + args.fit_synth))
            return
    if args.cv and args.train:
        transfer(sorted(p for p in args.train.glob("*.ogg")
                        if p.with_suffix(".beats.txt").exists()), songs, settings)
        return
    if args.cv:
        cross_validate(songs, settings)
        return

    rows = []
    seconds_ours = seconds_librosa = 0.0
    for song in progress(songs, total=len(songs), description="tracking"):
        reference = np.loadtxt(song.with_suffix(".beats.txt"), ndmin=1)
        down_path = song.with_suffix("").with_suffix(".downbeats.txt")
        start = time.perf_counter()
        ours = dancekit_beats(load(song), args.cues, settings)
        seconds_ours += time.perf_counter() - start
        start = time.perf_counter()
        base = librosa_default(song)
        seconds_librosa += time.perf_counter() - start
        down = (downbeat_f(np.loadtxt(down_path, ndmin=1), ours.downbeats)
                if down_path.exists() else float("nan"))
        gt_bpm = 60.0 / float(np.median(np.diff(reference)))
        rows.append((song.stem, gt_bpm, ours.tempo, ours.meter, *score(reference, ours.beats),
                     down, *score(reference, base)))

    header = ("excerpt", "GT BPM", "our BPM", "our meter", "F", "CMLt", "AMLt", "downbeat F",
              "librosa F", "librosa CMLt", "librosa AMLt")
    print_table(header, rows, args.markdown)
    print(f"\n{len(rows)} excerpts; dancekit {seconds_ours:.1f} s in total "
          f"(decoding included), librosa default {seconds_librosa:.1f} s")
    if not args.no_synth:
        synthetic(args.markdown, args.cues, settings)


if __name__ == "__main__":
    main()
