"""Dancing to Music's own measures on the held-out real ballroom songs: beat coverage and
beat hit rate, the diversity of dance units, and style consistency.

* **Beat coverage / hit rate** (``dancekit.metrics.beat_coverage_hit_rate``, 0.1 s): kinematic
  beats over music beats, and the share of kinematic beats within 0.1 s of a music beat,
  against the tracked beats of each song span; 10 s segments from 2 s in, as
  ``ballroom_quality.py`` cuts them.
* **Unit diversity**: each dance cut into dance units (``dancekit.models.d2m.dance_units``:
  two kinematic beats, time-normalised to 32 poses, root-relative); the mean distance (m,
  root-mean-square over joints and poses) between two units drawn from all of a system's
  units (up to 400 of them, seeded).
* **Style consistency**: a logistic regression on the standardised kinetic and geometric
  features (``dancekit.metrics.motion_features``) of 10 s segments of the real ballroom
  training sequences (the held-out ones never seen), labelled with their genre; its
  accuracy on a system's segments of each test song labelled with the genre asked for. The
  real test segments give its ceiling.

Each system dances as ``dancekit dance`` does (seed 0, re-timed onto the beats), to the test
sequence's own span of its song, with the sequence's genre as its style when it knows it.

    python studies/d2m_measures.py [--systems d2m,dance-revolution,...] [--d2m-checkpoint F]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ballroom_quality import (
    FPS,
    TEST_SEQUENCES,
    cut_song,
    generate,
    genre,
    model_styles,
    real_dance,
    segments,
    tracked_beats,
)
from ballroom_quality import START as SKIP
from dancekit.data.ballroom import timing_table
from dancekit.metrics import beat_coverage_hit_rate, motion_features
from dancekit.models.d2m import dance_units
from dancekit.models.representation import joint_positions, motion_to_features
from dancekit.motion import Motion

SEGMENT = 10.0


def unit_positions(motion: Motion) -> np.ndarray:
    """(U, 32, 24, 3) joint positions of a dance's units, root-relative."""
    import torch

    feats = motion_to_features(motion)
    units, _ = dance_units(motion, feats, 2, 32, 0.4, 4.0)
    if not len(units):
        return np.zeros((0, 32, 24, 3), np.float32)
    pos = joint_positions(torch.from_numpy(units)).numpy()
    return pos - pos[:, :1, :1] * np.array([1, 0, 1])


def unit_diversity(motions: list[Motion], pairs: int = 2000, cap: int = 400) -> float:
    """Mean RMS distance (m) between two different units of ``motions``."""
    units = np.concatenate([unit_positions(m) for m in motions])
    rng = np.random.default_rng(0)
    if len(units) > cap:
        units = units[rng.choice(len(units), cap, replace=False)]
    a, b = rng.integers(0, len(units), (2, pairs))
    a, b = a[a != b], b[a != b]
    return float(np.sqrt(((units[a] - units[b]) ** 2).sum(-1).mean(axis=(1, 2))).mean())


def features(motions: list[Motion]) -> np.ndarray:
    kin, geo = motion_features(motions)
    return np.concatenate([kin, geo], axis=1)


def style_classifier():
    """Logistic regression on 10 s segments of the real training sequences, by genre."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    names = [n for n in sorted(timing_table()) if n not in TEST_SEQUENCES
             and n != "DANCE_R_6"]
    x, y = [], []
    for name in names:
        pieces = segments(real_dance(name)[0], SEGMENT)
        x.append(features(pieces))
        y += [genre(name)] * len(pieces)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.1))
    return model.fit(np.concatenate(x), y), len(y)


def beats_of(motions: list[Motion], beats: list[np.ndarray]) -> tuple[float, float]:
    """Mean beat coverage and hit rate over the segments."""
    rows = [beat_coverage_hit_rate(m, b) for m, b in zip(motions, beats, strict=True)]
    return float(np.mean([r[0] for r in rows])), float(np.mean([r[1] for r in rows]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--systems", default="d2m,dance-revolution,dance-tokens-ballroom,"
                    "procedural")
    ap.add_argument("--d2m-checkpoint", default=None)
    ap.add_argument("--json", type=Path, default=None, help="also write the table here")
    args = ap.parse_args()
    classifier, seen = style_classifier()
    tests = {n: real_dance(n) for n in TEST_SEQUENCES}
    songs = {n: cut_song(span["audio"], span["start"], span["end"])
             for n, (_, span) in tests.items()}
    song_beats = {n: tracked_beats(a) for n, a in songs.items()}
    dances: dict[str, dict[str, Motion]] = {"real test set": {n: m for n, (m, _) in
                                                              tests.items()}}
    for system in [s for s in args.systems.split(",") if s]:
        checkpoint = args.d2m_checkpoint if system == "d2m" else None
        styles = model_styles(system, checkpoint)
        dances[system] = {}
        for n, (_, span) in tests.items():
            seconds = min(span["end"] - span["start"], songs[n].duration)
            style = genre(n) if genre(n) in styles else "auto"
            dances[system][n] = generate(system, checkpoint, songs[n], seconds, style)
        print(f"{system}: danced", flush=True)
    rows = {}
    for system, made in dances.items():
        pieces, beats, labels = [], [], []
        for n, motion in made.items():
            cut = segments(motion, SEGMENT)
            pieces += cut
            beats += [song_beats[n] - SKIP - k * SEGMENT for k in range(len(cut))]
            labels += [genre(n)] * len(cut)
        coverage, hits = beats_of(pieces, beats)
        accuracy = float(np.mean(classifier.predict(features(pieces)) == np.array(labels)))
        rows[system] = {"beat_coverage": coverage, "beat_hit_rate": hits,
                        "unit_diversity_m": unit_diversity(list(made.values())),
                        "style_accuracy": accuracy, "segments": len(pieces)}
    cols = ("beat_coverage", "beat_hit_rate", "unit_diversity_m", "style_accuracy")
    print(f"\nDancing to Music's measures on the held-out ballroom songs ({SEGMENT:g} s "
          f"segments at {FPS:g} fps; style classifier trained on {seen} real segments)")
    print("| system | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, r in rows.items():
        print(f"| {name} | " + " | ".join(f"{r[c]:.3g}" for c in cols) + " |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
