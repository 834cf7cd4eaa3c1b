"""Two tatums to the beat or three? A small learned decision (3/4 in quavers against 6/8).

Once the tracker knows the fastest regular pulse (the tatum), the beat is two tatums (a
simple meter: 2/4, 3/4 or 4/4 in quavers) or three (a compound one: 6/8, 9/8, 12/8). A
fixed margin on one summed cue either left compound tunes simple or read drum grooves with
3+3+2 figures as compound (see ``docs/audio.md``), so a logistic regression over four cues,
each "how much more the music repeats or is accented in groups of three tatums than of two",
decides:

* ``onset_acf``: autocorrelation of the onset novelty at 3 tatums minus at 2;
* ``harmony_acf``: the same for a chord-change curve (Goto & Muraoka's cue for beat levels);
* ``bass_acf``: the same for the bass-band onset novelty (bass notes mark beats);
* ``tatum_accent``: on a decoded grid of tatums, each tatum's accent (bass onset plus chord
  change into it, standardised), and how much more the best position in groups of three
  stands out than the best position in groups of two. In 6/8 the bass and the harmony
  arrive every three quavers; in 3/4 every two.

The coefficients below were fitted by ``python studies/beats.py --fit-meter DIR...`` on
extended development sets built by ``dataprep/beats_corpus.py`` from the DEV set's own
collections (two general draws and two drawn for slow airs in 6/8 and 3/4) and on synthetic
dance songs, never on the 16 DEV excerpts; label: the annotated meter, each excerpt weighted
by how much the reading changes its beat F-measure (``docs/audio.md``).
"""

from __future__ import annotations

import numpy as np

from dancekit.audio.beats.cues import zscore

#: Names of the features, in the order of the coefficients.
FEATURES = ("onset_acf", "harmony_acf", "bass_acf", "tatum_accent")

#: Standardisation and logistic coefficients of :func:`compound_probability`, printed by
#: ``python studies/beats.py --fit-meter ~/.cache/dancekit/beats_corpus
#: ~/.cache/dancekit/beats_corpus_s1 ~/.cache/dancekit/beats_corpus_s3
#: ~/.cache/dancekit/beats_corpus_s4``: 298 excerpts of those draws (seeds 0, 1, 3, 4) plus
#: 48 synthetic songs of ``dancekit.synth`` (seeds 100-107); C = 0.3 by leave-one-out.
GROUPING_MEAN = np.array([-0.2099, -0.1786, -0.008081, -0.1316])
GROUPING_SCALE = np.array([0.3903, 0.2984, 0.4605, 0.9219])
GROUPING_COEF = np.array([0.8121, 0.1017, 0.7757, 1.339])
GROUPING_BIAS = -1.969


def group_contrast(accent: np.ndarray, size: int) -> float:
    """How far the best position in groups of ``size`` stands out: the largest, over the
    positions, of its mean standardised accent minus the mean of the other positions."""
    z = zscore(accent)
    position = np.arange(len(z)) % size
    return float(max(z[position == p].mean() - z[position != p].mean() for p in range(size)))


def grouping_features(onset_acf: np.ndarray, harmony_acf: np.ndarray, bass_acf: np.ndarray,
                      tatum_accent: np.ndarray, tatum: float) -> np.ndarray:
    """The :data:`FEATURES` of a tatum (in frames) from three peak-filtered autocorrelations
    (index = lag in frames) and the accents of consecutive decoded tatums."""
    def three_minus_two(acf: np.ndarray) -> float:
        return float(acf[int(round(3 * tatum))] - acf[int(round(2 * tatum))])

    accent = (group_contrast(tatum_accent, 3) - group_contrast(tatum_accent, 2)
              if len(tatum_accent) >= 6 else 0.0)
    return np.array([three_minus_two(onset_acf), three_minus_two(harmony_acf),
                     three_minus_two(bass_acf), accent])


def compound_probability(features: np.ndarray) -> float:
    """Probability that a beat is three tatums long (a compound meter), logistic model."""
    z = (features - GROUPING_MEAN) / GROUPING_SCALE
    return float(1.0 / (1.0 + np.exp(-(z @ GROUPING_COEF + GROUPING_BIAS))))
