"""Beat, downbeat and meter tracking for any music: :func:`track_beats`.

The tracker has these stages, each a standard, published idea, each in its own module:

1. **Cues** (:mod:`~dancekit.audio.beats.cues`): a log-mel spectrogram and chroma, the
   SuperFlux onset novelty (Böck & Widmer, DAFx 2013) over all bands and over the bass.
2. **Beat activation** (:mod:`~dancekit.audio.beats.network`): a small temporal
   convolutional network (after Böck & Davies 2020) gives per-frame beat and downbeat
   probabilities and a tempo distribution.
3. **Global tempo** (:func:`~dancekit.audio.beats.cues.estimate_period`): the
   autocorrelation of the activation read as a comb over multiples of each candidate
   period, weighted by a log-normal tempo prior and the network's tempo distribution.
4. **Beats** (:mod:`~dancekit.audio.beats.hmm`, :mod:`~dancekit.audio.beats.tracker`):
   Viterbi decoding of a beat-pointer HMM (Whiteley et al. 2006; Krebs, Böck & Widmer,
   ISMIR 2015) whose tempo may drift, so accelerandi and rubato are followed.
5. **Metrical level** (:mod:`~dancekit.audio.beats.level`): a small learned model decides
   whether the written beat is twice the tracked one (slow music over quavers); a pulse
   quicker than any written beat is read as the tatum and grouped in twos or threes
   (:func:`~dancekit.audio.beats.meter.fast_grouping`).
6. **Meter and downbeats** (:mod:`~dancekit.audio.beats.meter`): the grouping of beats into
   bars of 2, 3 or 4 whose first beats carry the most accent; a quick simple pulse may also
   be grouped in sixes, the quavers of 3/4 bars (a slow waltz tracked at its quavers), and
   the beat is then every other pulse. Best effort: see ``docs/audio.md`` for how often it
   is right.

``tracker="cues"`` runs the tracker on hand-made cues alone: the onset novelty is the HMM's
observation and a learned two-or-three decision (:mod:`~dancekit.audio.beats.grouping`)
picks the period. Every tunable number is a field of :class:`BeatSettings`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from dancekit.audio.beats.cues import FPS, SR, spectrograms
from dancekit.audio.beats.hmm import refine
from dancekit.audio.beats.level import halve_probability, level_candidates
from dancekit.audio.beats.meter import find_meter, meter_name
from dancekit.audio.beats.settings import BeatSettings
from dancekit.audio.beats.tracker import Tracker, check_tracker, regroup_fast, tracked_pulse
from dancekit.audio.loading import Audio, as_audio
from dancekit.utils import single_threaded


@dataclass(frozen=True, eq=False)
class Beats:
    """Result of :func:`track_beats`.

    Attributes
    ----------
    tempo : float
        Typical tempo in beats per minute: the mean of the middle half of the inter-beat
        intervals, so fermatas and tempo changes do not drag it (0 when no beat was found).
    beats : np.ndarray, shape (B,)
        Beat times in seconds.
    downbeats : np.ndarray, shape (D,)
        Times of the first beat of each bar, a subset of ``beats``.
    meter : str
        Guess such as ``"4/4"``, ``"3/4"``, ``"6/8"`` (beats per bar, and compound when a beat
        divides in three); ``"unknown"`` when there are too few beats to tell.
    beats_per_bar : int
        Beats between downbeats (0 when unknown).
    meta : dict
        ``novelty`` (the onset novelty curve the beats were tracked on, for plotting) and
        ``novelty_fps`` (its frame rate).
    """

    tempo: float
    beats: np.ndarray
    downbeats: np.ndarray
    meter: str = "unknown"
    beats_per_bar: int = 0
    meta: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        """JSON-ready form: ``{"tempo", "beats", "downbeats", "meter", "beats_per_bar"}``."""
        return {"tempo": round(float(self.tempo), 3),
                "beats": [round(float(t), 4) for t in self.beats],
                "downbeats": [round(float(t), 4) for t in self.downbeats],
                "meter": self.meter, "beats_per_bar": int(self.beats_per_bar)}


def track_beats(audio: str | os.PathLike | Audio, *, settings: BeatSettings | None = None,
                tracker: Tracker = "network", show_progress: bool = False) -> Beats:
    """Tempo, beat times, downbeat times and a meter guess for a piece of music.

    Parameters
    ----------
    audio : path or Audio
        Any file :func:`dancekit.audio.load` reads, or decoded audio.
    settings : BeatSettings, optional
        The tracker's tunable numbers (tempo range and prior, HMM, meter); None: the
        defaults, which the scores in ``docs/audio.md`` were measured with.
    tracker : {"network", "cues"}
        ``"network"``: the bundled beat network's activation is decoded; ``"cues"``: the
        hand-made onset, bass and chroma cues alone.
    show_progress : bool
        Draw a progress bar on stderr while decoding (worth it for songs of many minutes).

    Returns
    -------
    Beats

    Examples
    --------
    >>> from dancekit.audio import BeatSettings, track_beats
    >>> b = track_beats("song.mp3")  # doctest: +SKIP
    >>> round(b.tempo), b.meter, b.beats[:3]  # doctest: +SKIP
    (120, '4/4', array([0.51, 1.01, 1.51]))
    >>> slow = track_beats("song.mp3", settings=BeatSettings(prior_bpm=80))  # doctest: +SKIP
    """
    check_tracker(tracker)
    audio = as_audio(audio, SR)
    spec, chroma = spectrograms(audio.samples)
    return track_spectrograms(spec, chroma, settings=settings, tracker=tracker,
                              show_progress=show_progress)


@single_threaded()
def track_spectrograms(spec: np.ndarray, chroma: np.ndarray, *,
                       settings: BeatSettings | None = None, tracker: Tracker = "network",
                       show_progress: bool = False, compound: bool | None = None) -> Beats:
    """:func:`track_beats` from the tracker's own log-mel and chroma
    (:func:`dancekit.audio.beats.cues.spectrograms`), so a study can try settings without
    decoding every file again. ``compound`` forces a beat of three tatums (True) or two
    (False)."""
    settings = settings or BeatSettings()
    pulse = tracked_pulse(spec, chroma, settings, tracker=tracker,
                          show_progress=show_progress, compound=compound)
    meta = {"novelty": pulse.novelty.astype(np.float32), "novelty_fps": FPS}
    if pulse.period == 0:
        return Beats(tempo=0.0, beats=np.zeros(0), downbeats=np.zeros(0), meta=meta)
    beat_frames, period = pulse.frames, pulse.period
    features, halved = level_candidates(pulse.novelty, chroma, pulse.bass, beat_frames, period,
                                        settings)
    if halved is not None and halve_probability(features) > 0.5:
        beat_frames, period = halved, 2 * period
    compound = pulse.compound
    if 60.0 * FPS / period > settings.fast_bpm:
        beat_frames, period, compound = regroup_fast(pulse, chroma, beat_frames, period,
                                                     settings, show_progress)
    quick = not compound and 60.0 * FPS / period >= settings.quaver_bpm
    per_bar, phase = find_meter(pulse.bass, chroma, pulse.novelty, beat_frames, period,
                                settings, pulse.downbeat, quick=quick)
    if per_bar == 6:  # the quavers of 3/4 bars: the beat is every other pulse
        beat_frames, period, per_bar, phase = beat_frames[phase % 2::2], 2 * period, 3, phase // 2
    beats = refine(beat_frames, pulse.observation) / FPS
    tempo = _tempo(beats) if len(beats) > 1 else 60.0 * FPS / period
    downbeats = beats[phase::per_bar] if per_bar else np.zeros(0)
    return Beats(tempo=tempo, beats=beats, downbeats=downbeats,
                 meter=meter_name(per_bar, compound), beats_per_bar=per_bar, meta=meta)


def _tempo(beats: np.ndarray) -> float:
    """Tempo in BPM from the middle half of the inter-beat intervals (robust to fermatas)."""
    intervals = np.diff(beats)
    lo, hi = np.percentile(intervals, [25, 75])
    middle = intervals[(intervals >= lo) & (intervals <= hi)]
    return 60.0 / float(middle.mean() if len(middle) else np.median(intervals))


__all__ = ["BeatSettings", "Beats", "track_beats", "track_spectrograms"]
