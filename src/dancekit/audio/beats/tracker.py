"""The two trackers' pulse: global tempo, then the beats the HMM decodes.

* ``"network"`` (the default): the beat network of :mod:`dancekit.audio.beats.network`
  gives the observation; its tempo distribution times the tempo prior and the comb salience
  of its activation picks the period, and the onset periodicity inside the beat (a third
  or a half) says whether the meter is compound.
* ``"cues"``: hand-made cues alone. The onset novelty is the observation, the learned
  two-or-three decision of :mod:`dancekit.audio.beats.meter` sets the period from the
  tatum, and the grid moves by a tatum when the bass says the beat lies there
  (:func:`bass_phase`).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np

from dancekit.audio.beats.cues import estimate_period, onset_novelty, peak_near, periodicity
from dancekit.audio.beats.grouping import compound_probability
from dancekit.audio.beats.hmm import beat_reach, decode_activation, decode_beats, snap
from dancekit.audio.beats.meter import fast_grouping, tatum_of, two_or_three
from dancekit.audio.beats.settings import BeatSettings
from dancekit.errors import ParameterError

Tracker = Literal["network", "cues"]
#: The trackers :func:`tracked_pulse` knows.
TRACKERS = ("network", "cues")


def check_tracker(tracker: str) -> None:
    """Refuse a tracker name other than those of :data:`TRACKERS` (a :class:`ParameterError`),
    before any audio is decoded."""
    if tracker not in TRACKERS:
        raise ParameterError(f"unknown beat tracker {tracker!r}: choose one of "
                             f"{', '.join(TRACKERS)}")


class Pulse(NamedTuple):
    """The tracked pulse before the metrical-level decision."""

    novelty: np.ndarray
    bass: np.ndarray  # onset novelty of the bass bands
    observation: np.ndarray  # the curve the HMM decoded: the network's beat activation or novelty
    downbeat: np.ndarray | None  # the network's downbeat activation (None: cues only)
    frames: np.ndarray  # beat frames (empty when there is no pulse)
    period: float  # beat period in frames (0 when there is no pulse)
    compound: bool


def tracked_pulse(spec: np.ndarray, chroma: np.ndarray, settings: BeatSettings, *,
                  tracker: Tracker = "network", show_progress: bool = False,
                  compound: bool | None = None) -> Pulse:
    """Novelty, global tempo, two-or-three grouping and HMM beats of a log-mel spectrogram
    and chroma (:func:`dancekit.audio.beats.cues.spectrograms`).

    ``compound`` forces a beat of three tatums (True) or two (False);
    ``studies/beats.py --fit-meter`` scores both readings of the cue tracker this way.
    """
    check_tracker(tracker)
    novelty = onset_novelty(spec)
    bass = onset_novelty(spec[:settings.bass_bands])
    if tracker == "network":
        return _network_pulse(spec, novelty, bass, settings, show_progress, compound)
    period = estimate_period(novelty, settings)
    if period is None:
        return Pulse(novelty, bass, novelty, None, np.zeros(0, dtype=int), 0.0, False)
    tatum, features = two_or_three(novelty, bass, chroma, period, settings)
    if compound is None:
        compound = (compound_probability(features) > 0.5 if features is not None
                    else tatum < period / 2)
    period = 3 * tatum if compound else 2 * tatum
    frames = decode_beats(novelty, period, settings, show_progress)
    frames = bass_phase(frames, bass, novelty, period, 3 if compound else 2, settings)
    return Pulse(novelty, bass, novelty, None, frames, period, compound)


def _network_pulse(spec: np.ndarray, novelty: np.ndarray, bass: np.ndarray,
                   settings: BeatSettings, show_progress: bool, compound: bool | None
                   ) -> Pulse:
    """The pulse of the ``"network"`` tracker (see the module's docstring)."""
    from dancekit.audio.beats.network import activation, network  # imports torch

    learned = activation(spec, network(settings.weights))
    period = estimate_period(learned.beat, settings, learned.tempo)
    if period is None or estimate_period(novelty, settings) is None:  # no pulse in onsets
        return Pulse(novelty, bass, learned.beat, learned.downbeat, np.zeros(0, dtype=int),
                     0.0, False)
    if compound is None:
        compound = tatum_of(periodicity(novelty), period, settings) < period / 2
    frames = decode_activation(learned.beat, period, settings, show_progress)
    return Pulse(novelty, bass, learned.beat, learned.downbeat, frames, period, compound)


def bass_phase(frames: np.ndarray, bass: np.ndarray, novelty: np.ndarray, period: float,
               tatums: int, settings: BeatSettings) -> np.ndarray:
    """Move the beat grid by whole tatums when the bass says the beat lies there.

    Onsets alone leave the phase of some figures ambiguous: in a jig's crotchet-quaver
    rhythm the quaver (with the chord's upstroke) can be as strong as the beat, and the HMM
    may lock onto it. Bass notes mark the beat (Goto 2001), so each shift by a tatum (a third
    of a compound beat, half a simple one) is scored by the mean bass-band onset strength at
    the shifted beats, and the grid moves only when a shift beats the decoded phase by
    ``settings.bass_phase_margin``.
    """
    if len(frames) < 4:
        return frames
    reach = beat_reach(period, settings)
    last = len(bass) - 1

    def strength(at: np.ndarray) -> float:
        at = np.clip(at, 0, last)
        return float(np.mean(peak_near(bass, at, reach)))

    shifts = [int(round(k * period / tatums)) for k in range(tatums)]
    scores = [strength(frames + s) for s in shifts]
    best = int(np.argmax(scores))
    if best == 0 or scores[best] <= settings.bass_phase_margin * scores[0]:
        return frames
    moved = frames + shifts[best]
    return snap(moved[moved <= last], novelty, reach)


def regroup_fast(pulse: Pulse, chroma: np.ndarray, frames: np.ndarray, tatum: float,
                 settings: BeatSettings, show_progress: bool
                 ) -> tuple[np.ndarray, float, bool]:
    """Beat frames, period and compoundness when a pulse quicker than ``settings.fast_bpm``
    (``frames`` at ``tatum`` frames) is read as the tatum.

    :func:`dancekit.audio.beats.meter.fast_grouping` says two or three; the HMM then decodes
    the same observation at that period, so the phase is the one the observation supports
    best. Too few tatums to group: the pulse is kept.
    """
    compound = fast_grouping(pulse.novelty, pulse.bass, chroma, pulse.downbeat, frames,
                             tatum, settings)
    if compound is None:
        return frames, tatum, pulse.compound
    period = (3 if compound else 2) * tatum
    if pulse.downbeat is None:  # the cue tracker's novelty
        return (decode_beats(pulse.observation, period, settings, show_progress), period,
                compound)
    return (decode_activation(pulse.observation, period, settings, show_progress), period,
            compound)
