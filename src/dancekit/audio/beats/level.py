"""Is the tracked pulse the written beat, or its subdivision? A small learned decision.

The beat tracker's tempo stage picks the most salient periodic pulse. In slow music over
running quavers (a slow air over an arpeggio, a chorale or a baroque grave over walking
quavers) that pulse is the quaver, twice the written beat; quick dances with the same onset
rhythm are tracked at the right level. No single hand-set rule separates the two (see
``docs/audio.md``), so a logistic regression over a few general features of the tracked
pulse decides, from the beats already decoded:

* ``comb_ratio``: log ratio of the comb salience (autocorrelation peaks at 1-4 multiples) of
  twice the period to that of the period;
* ``chord_alternation``, ``bass_alternation``: how much stronger chord changes and bass
  onsets are on every other tracked beat than on the beats between (written beats carry the
  harmony and the bass; subdivisions do not);
* ``onset_agreement``: the same for all onsets, signed: positive when the stronger onsets
  fall on the beats with the harmony and bass, negative for a backbeat;
* ``midpoint_ratio``: onset strength halfway between tracked beats against on them (a
  level that is itself subdivided is seldom a subdivision);
* ``onsets_per_beat``: onset peaks per tracked beat.

The coefficients below were fitted by ``python studies/beats.py --fit-level DIR...`` on
an extended development set built by ``dataprep/beats_corpus.py`` from the DEV set's own
collections, and on synthetic dance songs (never on the 16 DEV excerpts, which serve as the
held-out check), as the docstring of that script and ``docs/audio.md`` describe.
"""

from __future__ import annotations

import numpy as np
import scipy.ndimage

from dancekit.audio.beats.cues import FPS, chord_change, peak_near, periodicity, zscore
from dancekit.audio.beats.settings import BeatSettings

#: Names of the features, in the order of the coefficients. The tracked tempo itself is not
#: one: the extended set's tempi stop at 139 BPM, so a tempo term learnt there extrapolates
#: to quicker pieces (with it the model halved 5 of the 16 DEV excerpts, F 0.912 -> 0.891).
FEATURES = ("comb_ratio", "chord_alternation", "bass_alternation",
            "onset_agreement", "midpoint_ratio", "onsets_per_beat")

#: Standardisation and logistic coefficients of :func:`halve_probability`, printed by
#: ``python studies/beats.py --fit-level ~/.cache/dancekit/beats_corpus
#: ~/.cache/dancekit/beats_corpus_s1``: the extended set made with seeds 0 and 1 (218
#: excerpts) plus 48 synthetic songs of ``dancekit.synth`` (seeds 100-107, so that drum
#: backbeats are represented); halving helps on 32 of the 266; C = 0.3 by leave-one-out.
LEVEL_MEAN = np.array([-0.1334, 0.2944, 0.5211, 0.1672, 0.3131, 3.686])
LEVEL_SCALE = np.array([0.2805, 0.2563, 0.5002, 0.4069, 0.2502, 2.277])
LEVEL_COEF = np.array([0.04514, 0.7874, -0.05076, 0.8572, 0.1549, -0.2315])
LEVEL_BIAS = -2.295


def comb_salience(acf_peaks: np.ndarray, period: float, multiples: int = 4) -> float:
    """Sum of the (peak-filtered) autocorrelation at the first ``multiples`` multiples of a
    period: a pulse is salient when the longer periods built from it are too."""
    n = len(acf_peaks)
    return float(sum(acf_peaks[min(int(round(period * m)), n - 1)]
                     for m in range(1, multiples + 1)))


#: Least denominator of an alternation: chord change (a cosine distance) and onset strength
#: (1 at the novelty's 99th percentile) both have a scale of about 1, and a piece without
#: harmony (a metronome: chroma change near 0 everywhere) must not read as alternating.
ALTERNATION_FLOOR = 0.1


def _alternation(x: np.ndarray) -> float:
    """|mean of even - mean of odd| over the overall mean: 0 when every beat is alike."""
    return float(abs(x[0::2].mean() - x[1::2].mean()) / max(x.mean(), ALTERNATION_FLOOR))


def level_features(novelty: np.ndarray, acf_peaks: np.ndarray, bass: np.ndarray,
                   chord_change: np.ndarray, frames: np.ndarray, period: float
                   ) -> tuple[np.ndarray, int]:
    """The :data:`FEATURES` of a tracked pulse (beat ``frames`` at ``period`` frames), and
    the phase (0 or 1) of the beats that would be the written ones.

    ``chord_change`` holds the chroma distance into each beat, ``bass`` the low-band onset
    novelty; all curves share one frame rate. The phase is the one whose beats carry more
    chord change and bass; the onset alternation is signed towards it, because at a written
    beat over its subdivision the onsets agree with harmony and bass, whereas a backbeat
    (kick on 1 and 3, a louder snare on 2 and 4) puts them on opposite beats.
    """
    reach = max(int(period) // 8, 1)
    onset_at = peak_near(novelty, frames, reach)
    bass_at = peak_near(bass, frames, reach)
    accent = zscore(chord_change) + zscore(bass_at)
    phase = int(np.argmax([accent[0::2].mean(), accent[1::2].mean()]))
    signed_onsets = (onset_at[phase::2].mean() - onset_at[1 - phase::2].mean()) / max(
        onset_at.mean(), ALTERNATION_FLOOR)
    midpoints = (frames[:-1] + frames[1:]) // 2
    peaks = (novelty > 0.1) & (novelty >= scipy.ndimage.maximum_filter1d(novelty, 7))
    features = np.array([
        np.log((comb_salience(acf_peaks, 2 * period) + 1e-3)
               / (comb_salience(acf_peaks, period) + 1e-3)),
        _alternation(chord_change),
        _alternation(bass_at),
        float(signed_onsets),
        float(peak_near(novelty, midpoints, reach).mean() / (onset_at.mean() + 1e-9)),
        float(peaks.sum() / len(frames)),
    ])
    return features, phase


def halve_probability(features: np.ndarray) -> float:
    """Probability that the written beat is twice the tracked period (logistic model)."""
    z = (features - LEVEL_MEAN) / LEVEL_SCALE
    return float(1.0 / (1.0 + np.exp(-(z @ LEVEL_COEF + LEVEL_BIAS))))


def level_candidates(novelty: np.ndarray, chroma: np.ndarray, bass: np.ndarray,
                     frames: np.ndarray, period: float, settings: BeatSettings
                     ) -> tuple[np.ndarray, np.ndarray | None]:
    """The :data:`FEATURES` of a tracked pulse and the beats one level up: every other beat,
    at the phase whose beats carry more chord change and bass (None when there are too few
    beats, or twice the period is slower than ``settings.min_bpm``)."""
    if len(frames) < 8 or 2 * period > 60 * FPS / settings.min_bpm:
        return np.zeros(len(FEATURES)), None
    change = chord_change(chroma, frames, period)
    features, phase = level_features(novelty, periodicity(novelty), bass, change, frames,
                                     period)
    return features, frames[phase::2]
