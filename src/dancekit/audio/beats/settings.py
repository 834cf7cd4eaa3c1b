"""The beat tracker's tunable settings, one frozen object handed to every stage.

The defaults are the values the tracker is scored with in ``docs/audio.md``; each field says
where its default comes from. The spectrogram the tracker reads (22.05 kHz, hop 220, 96 mel
bands, :mod:`dancekit.audio.beats.cues`) is not a setting: the beat network and the learned
level and grouping models were trained on exactly that input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from pathlib import Path

from dancekit.errors import ParameterError


@dataclass(frozen=True)
class BeatSettings:
    """Settings of :func:`dancekit.audio.track_beats`; every field has a working default.

    Attributes
    ----------
    min_bpm, max_bpm : float
        Tempo range (BPM) of a beat, 40-240: the range of the beat network's tempo head and
        of the written beats of the music the tracker is judged on, with a margin.
    prior_bpm : float
        Centre (BPM) of the log-normal tempo prior that picks the metrical level, 110,
        chosen with its width on DEV from the grid of ``python studies/beats.py --cv``,
        which measures how much of the score is owed to that choice.
    prior_octaves : float
        Width (octaves, one standard deviation) of that prior, 0.9, chosen with the centre.
    tempo_floor : float
        Added to the network's tempo probability before it weights the comb, 1e-3, so a
        tempo the network finds unlikely can still win when its pulse is much clearer.
    tempo_spread : float
        How far (ratio) the decoded tempo may wander from the global estimate, 1.4: room for
        accelerandi and rubato while keeping the HMM at one metrical level.
    transition_lambda : float
        Cost of a tempo change between successive beats, ``exp(-lambda * |ratio - 1|)``,
        100 (Krebs, Böck & Widmer 2015).
    observation_lambda : int
        A beat occupies the first ``1 / observation_lambda`` of its period in the HMM, 16
        (Krebs, Böck & Widmer 2015); it also sets how far a beat may move to a novelty peak.
    activation_gain : float
        Beat probability (cue tracker) of a novelty at its 99th percentile, 0.5: below 1 so
        a few very strong, often syncopated, onsets cannot outweigh the regularity of the
        others.
    edge_min : float
        Least beat activation at either end of the piece, relative to the median at the
        beats, 0.1: a due beat is cheap where only part of it is heard, so weak end beats
        are dropped.
    bass_bands : int
        Mel bands, from the lowest, read as the bass, 6 (below ~230 Hz): where bass notes
        and kick drums mark beats and bars.
    bass_phase_margin : float
        Cue tracker: how much more bass onset strength (ratio) the beats shifted by a tatum
        must carry before the grid moves there, 1.25 (the middle of the 1.2-1.3 plateau on
        the extended set of ``dataprep/beats_corpus.py``).
    compound_min_acf : float
        Least normalised onset autocorrelation at a third of the beat for the tatum to be
        that third, 0.1: below it a third is noise, not a pulse.
    grouping_seconds : float
        Seconds of music whose tatums are decoded for the learned two-or-three decision,
        120: hundreds of tatums, enough for stable means, without decoding a long song twice.
    fast_bpm : float
        A tracked beat quicker than this (BPM) is read as the tatum and regrouped in twos or
        threes, 180: the written beats of the judged music lie at 42-168 BPM, and the margin
        keeps quick dance music (a jive at 176) as tracked. At least three times
        ``min_bpm``, so a beat of three such tatums stays inside the tempo range.
    grouping_margin : float
        Least difference of effect size (Cohen's d) between grouping quick tatums in threes
        and in twos for the accents to decide, 0.5 (a "medium" effect); below it the learned
        two-or-three model does.
    quaver_bpm : float
        A simple pulse at least this quick (BPM) may be the quavers of 3/4 bars (meter
        inference then also tries bars of six pulses), 150: a slow waltz (84-90 BPM) tracked at
        its quavers lies at 168-180, and the pulses of cha-chas and pop songs (120-135) whose
        bars of six sometimes stand out nearly as much as bars of four stay below it. Chosen on
        the training songs of the ballroom data only.
    six_margin : float
        How much larger (ratio) the effect of bars of six pulses must be than that of the best
        other grouping (four weighted by ``four_beat_prior``) for a quick pulse to be read as
        quavers of 3/4 bars, 1.2: between the largest ratio of a quick non-waltz (1.11, a
        rumba at 180) and the smallest of a quick waltz (1.33) among the ballroom training
        songs.
    four_beat_prior : float
        Weight of four-beat bars against two- and three-beat ones in meter inference, 1.2:
        four is the commonest meter, and oom-pah accompaniments make half bars look like
        bars of two.
    downbeat_weight : float
        Weight of the network's downbeat activation among the standardised beat accents of
        meter inference, 1.0 (as much as each other cue).
    weights : Path or None
        Beat network weights (a file of ``recipes/train_beat_net.py``); None: the
        bundled ones.
    """

    min_bpm: float = 40.0
    max_bpm: float = 240.0
    prior_bpm: float = 110.0
    prior_octaves: float = 0.9
    tempo_floor: float = 1e-3
    tempo_spread: float = 1.4
    transition_lambda: float = 100.0
    observation_lambda: int = 16
    activation_gain: float = 0.5
    edge_min: float = 0.1
    bass_bands: int = 6
    bass_phase_margin: float = 1.25
    compound_min_acf: float = 0.1
    grouping_seconds: float = 120.0
    fast_bpm: float = 180.0
    grouping_margin: float = 0.5
    quaver_bpm: float = 150.0
    six_margin: float = 1.2
    four_beat_prior: float = 1.2
    downbeat_weight: float = 1.0
    weights: Path | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "weights":
                if value is not None and not isinstance(value, Path):
                    object.__setattr__(self, "weights", Path(value))
            elif isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value) or value < 0:
                raise ParameterError(f"BeatSettings.{f.name} must be a finite number >= 0, "
                                     f"got {value!r}")
        for name in ("observation_lambda", "bass_bands"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 2:
                raise ParameterError(f"BeatSettings.{name} must be a whole number >= 2")
        if not 0 < self.min_bpm < self.max_bpm:
            raise ParameterError("BeatSettings needs 0 < min_bpm < max_bpm, got "
                                 f"{self.min_bpm} and {self.max_bpm}")
        if self.fast_bpm < 3 * self.min_bpm:
            raise ParameterError("BeatSettings needs fast_bpm >= 3 * min_bpm (a beat of three "
                                 f"quick tatums is a beat), got {self.fast_bpm} and "
                                 f"{self.min_bpm}")
        if self.six_margin == 0:
            raise ParameterError("BeatSettings.six_margin must be above 0 (a ratio)")
        if self.tempo_spread < 1 or self.prior_octaves <= 0 or self.prior_bpm <= 0:
            raise ParameterError("BeatSettings needs tempo_spread >= 1 and a positive "
                                 "prior_bpm and prior_octaves")
