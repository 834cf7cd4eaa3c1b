"""Groupings of pulses: beats into bars (meter and downbeats), tatums into beats (two or three).

* **Bars** (:func:`find_meter`): each beat gets an accent, the chroma change into it plus the
  bass-band and full-band onset strength at it and, with the network, its downbeat
  activation (each standardised over the piece). Every grouping of 2, 3 or 4 beats at every
  phase is scored by the effect size (Cohen's d) of its first beats against the others; the
  strongest wins, four-beat bars favoured by ``BeatSettings.four_beat_prior``. A quick simple
  pulse may also be grouped in sixes: the quavers of a 3/4 bar (a slow waltz at 84-90 BPM
  tracked at its quavers, 168-180), which groupings of two and four describe only in part.
* **Two or three** (:func:`two_or_three`): whether a beat holds two or three of the fastest
  pulses (3/4 against 6/8), the cues of the learned decision of
  :mod:`dancekit.audio.beats.grouping`: how onsets, chord changes and bass notes repeat and
  are accented in groups of two and of three tatums.
* **Quick pulses** (:func:`fast_grouping`): a tracked pulse quicker than any written beat is
  the tatum, grouped by the accents the way bars are, or by the learned decision when the
  accents do not clearly tell.
"""

from __future__ import annotations

import numpy as np

from dancekit.audio.beats.cues import (
    FPS,
    chord_change,
    harmonic_novelty,
    peak_near,
    periodicity,
    zscore,
)
from dancekit.audio.beats.grouping import compound_probability, grouping_features
from dancekit.audio.beats.hmm import decode_beats
from dancekit.audio.beats.settings import BeatSettings


def find_meter(bass: np.ndarray, chroma: np.ndarray, novelty: np.ndarray,
               beat_frames: np.ndarray, period: float, settings: BeatSettings,
               downbeat: np.ndarray | None = None, quick: bool = False) -> tuple[int, int]:
    """Beats per bar and the index of the first downbeat (0, 0 with fewer than 8 beats).

    Bars start where the harmony changes and the bass enters, so the grouping whose first
    beats carry the most accent (:func:`beat_accents`) gives the meter; four-beat bars are
    favoured over the half bars that oom-pah accompaniments make look like bars of two.

    ``quick`` (a simple pulse of at least ``settings.quaver_bpm``): groups of six pulses are
    a candidate too, and 6 is returned when they stand out more than any other grouping by
    ``settings.six_margin``. A slow waltz tracked at its quavers has its bar every six
    pulses; bars of two or four see only the quarter notes, and bars of three fall across
    the bar lines. The caller reads 6 as a 3/4 bar whose beat is every other pulse.
    """
    if len(beat_frames) < 8:
        return 0, 0
    accent = beat_accents(bass, chroma, novelty, beat_frames, period, settings, downbeat)
    return best_grouping(accent, (2, 3, 4, 6) if quick else (2, 3, 4), settings)


def beat_accents(bass: np.ndarray, chroma: np.ndarray, novelty: np.ndarray,
                 beat_frames: np.ndarray, period: float, settings: BeatSettings,
                 downbeat: np.ndarray | None) -> np.ndarray:
    """Accent of each beat: chroma change into it, bass-band and full-band onset strength at
    it and, with the network, its downbeat activation, each standardised over the piece."""
    change = chord_change(chroma, beat_frames, period)
    reach = max(int(period) // 8, 1)
    bass_at = peak_near(bass, beat_frames, reach)
    onset_at = peak_near(novelty, beat_frames, reach)
    accent = zscore(change) + zscore(bass_at) + 0.5 * zscore(onset_at)
    if downbeat is not None:
        accent += settings.downbeat_weight * zscore(peak_near(downbeat, beat_frames, reach))
    return accent


def best_grouping(accent: np.ndarray, sizes: tuple[int, ...], settings: BeatSettings
                  ) -> tuple[int, int]:
    """Group size and phase whose first elements stand out most from the others, the effect
    of groups of four multiplied by ``settings.four_beat_prior`` and that of groups of six
    divided by ``settings.six_margin``."""
    weight = {4: settings.four_beat_prior, 6: 1.0 / settings.six_margin}
    best = (-np.inf, 0, 0)
    for size in sizes:
        effect, phase = grouping_effect(accent, size)
        effect *= weight.get(size, 1.0)
        if effect > best[0]:
            best = (effect, size, phase)
    return best[1], best[2]


def grouping_effect(accent: np.ndarray, size: int) -> tuple[float, int]:
    """How far the first elements of groups of ``size`` stand out at the best phase (effect
    size, Cohen's d, of their accents against the others) and that phase."""
    best = (-np.inf, 0)
    index = np.arange(len(accent))
    for phase in range(size):
        on = (index - phase) % size == 0
        a, b = accent[on], accent[~on]
        effect = (a.mean() - b.mean()) / np.sqrt((a.var() + b.var()) / 2 + 1e-9)
        if effect > best[0]:
            best = (float(effect), phase)
    return best


def meter_name(per_bar: int, compound: bool) -> str:
    """``"4/4"``, ``"3/4"``... or, when a beat is three tatums, ``"12/8"``, ``"9/8"``..."""
    if per_bar == 0:
        return "unknown"
    return f"{per_bar * 3}/8" if compound else f"{per_bar}/4"


def tatum_of(onset_acf: np.ndarray, period: float, settings: BeatSettings) -> float:
    """A third of ``period`` when the novelty repeats clearly after a third of it and more
    than after a half, else a half (``onset_acf``: the novelty's :func:`periodicity`)."""
    third, half = onset_acf[int(round(period / 3))], onset_acf[int(round(period / 2))]
    compound = third > max(half, settings.compound_min_acf)
    return period / 3 if compound else period / 2


def two_or_three(novelty: np.ndarray, bass: np.ndarray, chroma: np.ndarray, period: float,
                 settings: BeatSettings) -> tuple[float, np.ndarray | None]:
    """The tatum (frames) of a beat ``period`` and the two-or-three features of
    :mod:`dancekit.audio.beats.grouping` (None when the music is too short to see three
    tatums repeat).

    The tatum is a third or a half of the period (:func:`tatum_of`). Both readings of the same
    tatums, a beat of 2 (3/4 in quavers) or of 3 (6/8), are then put to the cues of the
    learned decision. This is the classic 3/4-versus-6/8 question, which the onset
    periodicity alone often gets wrong for accompaniment figures that run across the beat.
    """
    onset_acf = periodicity(novelty)
    beat_tatum = tatum_of(onset_acf, period, settings)
    return beat_tatum, tatum_features(novelty, bass, chroma, beat_tatum, settings, onset_acf)


def tatum_features(novelty: np.ndarray, bass: np.ndarray, chroma: np.ndarray, tatum: float,
                   settings: BeatSettings, onset_acf: np.ndarray | None = None
                   ) -> np.ndarray | None:
    """The two-or-three features of a tatum (frames), or None when the music is too short to
    see three tatums repeat; ``onset_acf``, the novelty's :func:`periodicity`, when the
    caller has it already."""
    if 3 * tatum >= len(novelty) / 2:
        return None
    if onset_acf is None:
        onset_acf = periodicity(novelty)
    harmony_acf = periodicity(harmonic_novelty(chroma, tatum))
    return grouping_features(onset_acf, harmony_acf, periodicity(bass),
                             tatum_accents(novelty, bass, chroma, tatum, settings), tatum)


def tatum_accents(novelty: np.ndarray, bass: np.ndarray, chroma: np.ndarray, tatum: float,
                  settings: BeatSettings) -> np.ndarray:
    """Accent of each decoded tatum in the first ``settings.grouping_seconds``: its bass
    onset strength plus the chord change into it, each standardised."""
    end = min(len(novelty), int(settings.grouping_seconds * FPS))
    frames = decode_beats(novelty[:end], tatum, settings, fastest_bpm=np.inf)
    if len(frames) < 2:
        return np.zeros(0)
    reach = max(int(tatum) // 8, 1)
    bass_at = peak_near(bass, frames, reach)
    return zscore(bass_at) + zscore(chord_change(chroma[:, :end], frames, tatum))


def fast_grouping(novelty: np.ndarray, bass: np.ndarray, chroma: np.ndarray,
                  downbeat: np.ndarray | None, frames: np.ndarray, tatum: float,
                  settings: BeatSettings) -> bool | None:
    """Whether a beat is three (True) or two (False) of the tatums at ``frames``, a pulse
    quicker than ``settings.fast_bpm``; None when there are too few tatums to group.

    A pulse that quick is the quavers of a slow 6/8 air or of a polonaise rather than a
    written beat; the tempo head can be confident about it on music unlike its training
    music. The tatums' accents (:func:`beat_accents`) decide when one grouping clearly wins
    (by ``settings.grouping_margin``), as in slow airs whose bass and harmony move with the
    beat; otherwise the learned two-or-three model decides, which was fitted with dance
    grooves whose 3+3+2 figures fool the accents (a rumba's quavers read by the accents
    alone come out as 12/8).
    """
    if len(frames) < 8:
        return None
    accent = beat_accents(bass, chroma, novelty, frames, tatum, settings, downbeat)
    contrast = {size: grouping_effect(accent, size)[0] for size in (2, 3)}
    if abs(contrast[3] - contrast[2]) >= settings.grouping_margin:
        return bool(contrast[3] > contrast[2])
    features = tatum_features(novelty, bass, chroma, tatum, settings)
    if features is None:
        return None
    return compound_probability(features) > 0.5
