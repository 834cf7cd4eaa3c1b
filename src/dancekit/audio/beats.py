"""Beat, downbeat and meter tracking for any music.

The tracker has five stages, each a standard, published idea:

1. **Onset novelty** (:func:`onset_novelty`): log-compressed mel-band magnitudes and their
   "SuperFlux" difference (Böck & Widmer, DAFx 2013): each band is compared with the maximum
   of its neighbours a few frames earlier, which keeps note attacks and drops vibrato.
2. **Global tempo** (:func:`estimate_period`): the autocorrelation of the novelty, read as a
   comb over the first multiples of each candidate period (a period is salient when the bars
   built from it are too), weighted by a log-normal tempo prior. This picks the metrical level.
3. **Two or three**: whether a beat holds two or three of the fastest pulses (3/4 against
   6/8), a small learned decision (:mod:`dancekit.audio.beat_grouping`) from how onsets,
   chord changes (after Goto & Muraoka) and bass notes repeat and are accented in groups of
   two and of three tatums.
4. **Beats** (:func:`track_beats`): Viterbi decoding of a beat-pointer hidden Markov model
   (Whiteley et al. 2006; Krebs, Böck & Widmer, ISMIR 2015) whose state is (tempo, position
   inside the beat). The tempo may drift, with a cost growing with the ratio of successive
   periods, so accelerandi and rubato are followed; each beat is then moved to the strongest
   novelty peak close to it. The grid moves by a tatum when the bass says the beat lies there
   (:func:`_bass_phase`), and a small learned model (:mod:`dancekit.audio.beat_level`)
   decides whether the written beat is twice the tracked one (slow music over quavers).
   A pulse quicker than any written beat (:data:`FAST_BPM`) is read as the tatum and
   grouped in twos or threes by the accents of stage 5, or by the model of stage 3 when
   the accents do not clearly tell (:func:`_regroup_fast`).
5. **Meter and downbeats**: beat-synchronous bass onsets and chord (chroma) changes are
   grouped into bars of 2, 3 and 4 beats at every phase; the grouping whose first beats stand
   out most gives the meter and the downbeats. Best effort: see ``docs/audio.md`` for how often
   it is right.

By default a learned beat activation (:mod:`dancekit.audio.beat_net`, a small temporal
convolutional network after Böck & Davies 2020) replaces the novelty as the HMM's
observation, its tempo distribution joins the prior of stage 2 and its downbeat activation
the accents of stage 5; stage 3 then only names the meter and the bass-phase move is not
needed. ``track_spectrograms(..., learned=False)`` runs the stages above alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import NamedTuple

import librosa
import numpy as np
import scipy.ndimage

from dancekit.audio.beat_grouping import compound_probability, grouping_features
from dancekit.audio.beat_level import FEATURES as LEVEL_FEATURES
from dancekit.audio.beat_level import halve_probability, level_features, peak_near, zscore
from dancekit.audio.loading import Audio, as_audio
from dancekit.utils import progress, single_threaded

#: Analysis rate of the tracker. 22050 Hz with a 220-sample hop gives ~100 frames/s (10 ms).
SR = 22050
HOP = 220
FPS = SR / HOP
N_FFT = 1024
N_MELS = 96
MEL_FMIN = 27.5
#: Mel bands below ~230 Hz: where bass notes and kick drums mark the start of a bar.
BASS_BANDS = 6
#: Weight of four-beat bars against two- and three-beat ones in meter inference.
FOUR_BEAT_PRIOR = 1.2
#: Least normalised autocorrelation at a third of the beat for the tatum to be that third.
COMPOUND_MIN_ACF = 0.1
#: Seconds of music whose tatums are decoded for the two-or-three decision: hundreds of
#: tatums, enough for stable group means, without a second full decoding of a long song.
GROUPING_SECONDS = 120.0
#: Tempo range the tracker considers, in BPM.
MIN_BPM, MAX_BPM = 40.0, 240.0
#: Centre (BPM) and width (octaves) of the log-normal tempo prior used to pick a metrical level.
PRIOR_BPM, PRIOR_OCTAVES = 110.0, 0.9
#: How far (ratio) the decoded tempo may wander from the global estimate.
TEMPO_SPREAD = 1.4
#: Cost of a tempo change between successive beats: exp(-LAMBDA * |ratio - 1|) (Krebs 2015).
TRANSITION_LAMBDA = 100.0
#: A beat occupies the first 1/OBSERVATION_LAMBDA of its period in the HMM (Krebs 2015).
OBSERVATION_LAMBDA = 16
#: Beat probability of a novelty at its 99th percentile. Below 1 so that a few very strong
#: (often syncopated) onsets cannot outweigh the regularity of all the others.
ACTIVATION_GAIN = 0.5
#: How much more bass onset strength (ratio) the beats shifted by one tatum must carry before
#: the whole grid moves there (chosen on the extended set of ``benchmarks/beats_corpus.py``,
#: in the middle of the 1.2-1.3 plateau; see ``docs/audio.md``).
BASS_PHASE_MARGIN = 1.25
#: Added to the network's tempo probability before it weights the comb, so a tempo the
#: network finds unlikely can still win when its pulse is much clearer.
TEMPO_FLOOR = 1e-3
#: Weight of the network's downbeat activation among the standardised accents of meter
#: inference.
DOWNBEAT_WEIGHT = 1.0
#: Least beat activation, relative to the median at the beats, for a beat at either end
#: of the piece (see :func:`_trim_ends`).
EDGE_MIN = 0.1
#: A tracked beat quicker than this (BPM) is read as the tatum, and the beat as two or three
#: of them (:func:`_regroup_fast`). The written beats of the music the tracker is judged on
#: lie at 42-168 BPM (nominal tempi of the DEV set and of the 725 excerpts drawn from its
#: collections by ``benchmarks/beats_corpus.py``); the margin above that keeps quick dance
#: music (a jive at 176) as it is tracked. Music written with quicker beats is tracked at
#: half or a third of its tempo (``docs/audio.md``, "Session 10").
FAST_BPM = 180.0
#: Least difference of effect size (Cohen's d, a "medium" effect) between grouping quick
#: tatums in threes and in twos for the accents to decide (:func:`_regroup_fast`); below it
#: the learned two-or-three model does.
GROUPING_MARGIN = 0.5


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


def track_beats(audio: str | os.PathLike | Audio, *, show_progress: bool = False) -> Beats:
    """Tempo, beat times, downbeat times and a meter guess for a piece of music.

    Parameters
    ----------
    audio : path or Audio
        Any file :func:`dancekit.audio.load` reads, or decoded audio.
    show_progress : bool
        Draw a progress bar on stderr while decoding (worth it for songs of many minutes).

    Returns
    -------
    Beats

    Examples
    --------
    >>> from dancekit.audio import track_beats
    >>> b = track_beats("song.mp3")  # doctest: +SKIP
    >>> round(b.tempo), b.meter, b.beats[:3]  # doctest: +SKIP
    (120, '4/4', array([0.51, 1.01, 1.51]))
    """
    audio = as_audio(audio, SR)
    spec, chroma = _spectrograms(audio.samples)
    return track_spectrograms(spec, chroma, show_progress=show_progress)


@single_threaded()
def track_spectrograms(spec: np.ndarray, chroma: np.ndarray, *, show_progress: bool = False,
                       compound: bool | None = None, learned: bool = True) -> Beats:
    """:func:`track_beats` from the tracker's own log-mel and chroma (``_spectrograms``), so
    benchmarks can try settings without decoding every file again. ``compound`` forces the
    two-or-three reading and ``learned=False`` runs the tracker on hand-made cues alone
    (see :func:`tracked_pulse`)."""
    pulse = tracked_pulse(spec, chroma, show_progress=show_progress, compound=compound,
                          learned=learned)
    meta = {"novelty": pulse.novelty.astype(np.float32), "novelty_fps": FPS}
    if pulse.period == 0:
        return Beats(tempo=0.0, beats=np.zeros(0), downbeats=np.zeros(0), meta=meta)
    beat_frames, period = pulse.frames, pulse.period
    features, halved = level_candidates(pulse.novelty, chroma, pulse.bass, beat_frames, period)
    if halved is not None and halve_probability(features) > 0.5:
        beat_frames, period = halved, 2 * period
    compound = pulse.compound
    if 60.0 * FPS / period > FAST_BPM:
        beat_frames, period, compound = _regroup_fast(pulse, chroma, beat_frames, period,
                                                      show_progress)
    beats = _refine(beat_frames, pulse.observation) / FPS
    tempo = _tempo(beats) if len(beats) > 1 else 60.0 * FPS / period
    per_bar, phase = _meter(pulse.bass, chroma, pulse.novelty, beat_frames, period,
                            pulse.downbeat)
    downbeats = beats[phase::per_bar] if per_bar else np.zeros(0)
    meter = _meter_name(per_bar, compound)
    return Beats(tempo=tempo, beats=beats, downbeats=downbeats, meter=meter,
                 beats_per_bar=per_bar, meta=meta)


class Pulse(NamedTuple):
    """The tracked pulse before the metrical-level decision (stages 1-4 of the tracker)."""
    novelty: np.ndarray
    bass: np.ndarray  # onset novelty of the bass bands
    observation: np.ndarray  # the curve the HMM decoded: the network's beat activation or novelty
    downbeat: np.ndarray | None  # the network's downbeat activation (None: cues only)
    frames: np.ndarray  # beat frames (empty when there is no pulse)
    period: float  # beat period in frames (0 when there is no pulse)
    compound: bool
    grouping: np.ndarray | None = None  # two-or-three features (None: too short to tell)


def tracked_pulse(spec: np.ndarray, chroma: np.ndarray, *, show_progress: bool = False,
                  compound: bool | None = None, learned: bool = True) -> Pulse:
    """Novelty, global tempo, two-or-three grouping, HMM beats and the bass phase check.

    With ``learned`` (the default) the beat network of :mod:`dancekit.audio.beat_net` gives
    the observation and, through its tempo distribution, the period; the meter's
    two-or-three reading then only names the meter (the level model of
    :func:`track_spectrograms` still decides on halving). Without it the hand-made cues and
    the learned two-or-three decision choose the period. ``compound`` forces a beat of three
    tatums (True) or two (False); ``benchmarks/beats.py --fit-meter`` scores both readings
    of the cue tracker this way.
    """
    novelty = onset_novelty(spec)
    bass = onset_novelty(spec[:BASS_BANDS])
    if learned:
        return _learned_pulse(spec, novelty, bass, show_progress, compound)
    period = estimate_period(novelty)
    if period is None:
        return Pulse(novelty, bass, novelty, None, np.zeros(0, dtype=int), 0.0, False)
    tatum, features = _beat_grouping(novelty, bass, chroma, period)
    if compound is None:
        compound = (compound_probability(features) > 0.5 if features is not None
                    else tatum < period / 2)
    period = 3 * tatum if compound else 2 * tatum
    frames = _decode_beats(novelty, period, show_progress)
    frames = _bass_phase(frames, bass, novelty, period, 3 if compound else 2)
    return Pulse(novelty, bass, novelty, None, frames, period, compound, features)


def _learned_pulse(spec: np.ndarray, novelty: np.ndarray, bass: np.ndarray,
                   show_progress: bool, compound: bool | None) -> Pulse:
    """The pulse from the beat network: its tempo distribution times the tempo prior and the
    comb salience of its beat activation picks the period, the HMM decodes the activation,
    and the onset periodicity inside the beat (a third or a half) says whether the meter is
    compound."""
    from dancekit.audio.beat_net import activation  # imports torch: only when tracking

    learned = activation(spec)
    period = estimate_period(learned.beat, learned.tempo)
    if period is None or estimate_period(novelty) is None:  # no pulse in the onsets either
        return Pulse(novelty, bass, learned.beat, learned.downbeat, np.zeros(0, dtype=int),
                     0.0, False)
    if compound is None:
        onset_acf = scipy.ndimage.maximum_filter1d(_autocorrelation(novelty), size=5)
        compound = _tatum(onset_acf, period) < period / 2
    frames = _decode_activation(learned.beat, period, show_progress)
    return Pulse(novelty, bass, learned.beat, learned.downbeat, frames, period, compound)


def _decode_activation(beat: np.ndarray, period: float, show_progress: bool) -> np.ndarray:
    """Beat frames of the network's beat activation around ``period``: the HMM with the
    activation as the beat probability, weak beats at either end dropped."""
    frames = _decode_beats(beat, period, show_progress, gain=1.0)
    return _trim_ends(frames, beat, max(int(period) // OBSERVATION_LAMBDA, 1))


def onset_novelty(spec: np.ndarray, *, lag: int = 2, max_size: int = 3) -> np.ndarray:
    """SuperFlux novelty of a log-mel spectrogram (bands, frames) -> (frames,), >= 0.

    Each band is compared with the maximum over ``max_size`` neighbouring bands ``lag`` frames
    earlier; positive differences are summed. The result is normalised to a unit 99th
    percentile so thresholds below do not depend on loudness.
    """
    reference = scipy.ndimage.maximum_filter1d(spec, size=max_size, axis=0)
    flux = np.zeros(spec.shape[1])
    flux[lag:] = np.maximum(spec[:, lag:] - reference[:, :-lag], 0.0).sum(axis=0)
    scale = np.percentile(flux, 99)
    return flux / scale if scale > 0 else flux


def estimate_period(novelty: np.ndarray, tempo_probability: np.ndarray | None = None
                    ) -> float | None:
    """Dominant beat period in frames of the novelty, or None when it has no periodicity.

    ``tempo_probability`` (over :data:`dancekit.audio.beat_net.TEMPO_BPM`, the beat network's
    tempo head) multiplies the log-normal prior: the network has learnt which level
    annotators call the beat, which the comb salience of onsets alone cannot tell. The prior
    stays because on music of collections the network never heard it keeps the choice
    sane (see ``docs/audio.md``: leave-collections-out 0.861 -> 0.873 with the level model).
    """
    acf = _autocorrelation(novelty)
    if not np.any(acf):
        return None
    n = len(acf)
    lo, hi = int(np.floor(60 * FPS / MAX_BPM)), int(np.ceil(60 * FPS / MIN_BPM))
    periods = np.arange(lo, min(hi, n // 2) + 1, dtype=float)
    if len(periods) == 0:
        return None
    salience = np.zeros(len(periods))
    peak = scipy.ndimage.maximum_filter1d(acf, size=5)
    for multiple in range(1, 5):
        idx = np.round(periods * multiple).astype(int)
        valid = idx < n
        salience += np.where(valid, peak[np.minimum(idx, n - 1)], 0.0)
    bpm = 60 * FPS / periods
    prior = np.exp(-0.5 * (np.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)
    if tempo_probability is not None:
        from dancekit.audio.beat_net import TEMPO_BPM

        prior *= np.interp(np.log2(bpm), np.log2(TEMPO_BPM), tempo_probability) + TEMPO_FLOOR
    score = np.maximum(salience, 0.0) * prior
    if not np.any(score > 0):
        return None
    return float(periods[int(np.argmax(score))])


@single_threaded()
def _spectrograms(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-compressed mel magnitudes and chroma, both (bands, frames) at :data:`FPS`.

    The signal is peak-normalised first so the log compression, and with it every threshold
    of the tracker, does not depend on how loud the file was mastered. The STFT is taken a
    minute at a time (frames identical to one centred STFT) so a 20-minute song never holds
    its full-resolution spectrogram in memory, only the 96 mel bands and 12 chroma bins.
    """
    gain = 1.0 / max(float(y.max()), -float(y.min()), 1e-9)
    half = N_FFT // 2
    n_frames = 1 + len(y) // HOP
    mel_fb = librosa.filters.mel(sr=SR, n_fft=N_FFT, n_mels=N_MELS, fmin=MEL_FMIN, fmax=SR / 2)
    chroma_fb = librosa.filters.chroma(sr=SR, n_fft=N_FFT)
    mel = np.empty((N_MELS, n_frames), dtype=np.float32)
    chroma = np.empty((12, n_frames), dtype=np.float32)
    step = int(60 * FPS)
    for f0 in range(0, n_frames, step):
        f1 = min(f0 + step, n_frames)
        start, stop = f0 * HOP - half, (f1 - 1) * HOP + half
        segment = y[max(start, 0):min(stop, len(y))] * gain
        segment = np.pad(segment, (max(-start, 0), max(stop - len(y), 0)))  # centred frames
        mag = np.abs(librosa.stft(segment, n_fft=N_FFT, hop_length=HOP, center=False))
        mel[:, f0:f1] = mel_fb @ mag
        chroma[:, f0:f1] = chroma_fb @ mag**2
    chroma /= np.maximum(chroma.max(axis=0, keepdims=True), 1e-12)
    np.log1p(np.multiply(mel, 100.0, out=mel), out=mel)  # in place: no copies of a long song
    return mel, chroma


def _decode_beats(novelty: np.ndarray, period: float, show_progress: bool = False, *,
                  fastest_bpm: float = MAX_BPM, gain: float = ACTIVATION_GAIN) -> np.ndarray:
    """Viterbi path of the beat-pointer HMM around ``period``; returns beat frames.
    ``fastest_bpm`` bounds the tempo (raised to decode tatums, which may be quicker than
    any beat); ``gain`` turns the curve into a beat probability (1 for the network's
    activation, which is one)."""
    lo = max(int(np.floor(period / TEMPO_SPREAD)), int(np.floor(60 * FPS / fastest_bpm)), 1)
    hi = min(int(np.ceil(period * TEMPO_SPREAD)), int(np.ceil(60 * FPS / MIN_BPM)))
    intervals = np.arange(lo, hi + 1)
    k = len(intervals)
    first = np.concatenate([[0], np.cumsum(intervals)[:-1]])
    last = first + intervals - 1
    n_states = int(intervals.sum())
    position = np.arange(n_states) - np.repeat(first, intervals)
    beat_state = position < np.repeat(np.maximum(intervals // OBSERVATION_LAMBDA, 1), intervals)

    ratio = intervals[None, :] / intervals[:, None]  # (from, to)
    log_trans = -TRANSITION_LAMBDA * np.abs(ratio - 1.0)
    log_trans -= np.logaddexp.reduce(log_trans, axis=1, keepdims=True)

    activation = np.clip(gain * novelty, 1e-4, 1.0 - 1e-4)
    log_beat = np.log(activation)
    log_other = np.log((1.0 - activation) / (OBSERVATION_LAMBDA - 1))

    n = len(novelty)
    back = np.zeros((n, k), dtype=np.int32)
    delta = np.where(beat_state, log_beat[0], log_other[0]) - np.log(n_states)
    cols = np.arange(k)
    step = int(60 * FPS)  # progress is reported once per minute of music
    for start in progress(range(1, n, step), total=len(range(1, n, step)),
                          description="tracking beats", disable=not show_progress):
        for t in range(start, min(start + step, n)):
            entering = delta[last][:, None] + log_trans  # (from, to)
            best = np.argmax(entering, axis=0)
            back[t] = best
            shifted = np.empty_like(delta)
            shifted[1:] = delta[:-1]
            shifted[first] = entering[best, cols]
            delta = shifted + np.where(beat_state, log_beat[t], log_other[t])
            delta -= delta.max()

    # Backtrack in jumps of one beat: a state at position p entered its beat p frames ago,
    # coming from the last position of the block stored in ``back``.
    state = int(np.argmax(delta))
    block = int(np.searchsorted(first, state, side="right") - 1)
    t = n - 1 - int(position[state])
    starts = []
    while t >= 0:
        starts.append(t)
        if t == 0:
            break
        block = int(back[t, block])
        t -= int(intervals[block])
    frames = np.array(starts[::-1], dtype=int)
    return _snap(frames, novelty, max(int(period) // OBSERVATION_LAMBDA, 1))


def level_candidates(novelty: np.ndarray, chroma: np.ndarray, bass: np.ndarray,
                     frames: np.ndarray, period: float) -> tuple[np.ndarray, np.ndarray | None]:
    """Features of the tracked pulse (:mod:`dancekit.audio.beat_level`) and the beats one level
    up: every other beat, at the phase whose beats carry more chord change and bass (None when
    there are too few beats, or twice the period is slower than :data:`MIN_BPM`)."""
    if len(frames) < 8 or 2 * period > 60 * FPS / MIN_BPM:
        return np.zeros(len(LEVEL_FEATURES)), None
    acf_peaks = scipy.ndimage.maximum_filter1d(_autocorrelation(novelty), size=5)
    change = _chord_change(chroma, frames, period)
    features, phase = level_features(novelty, acf_peaks, bass, change, frames, period)
    return features, frames[phase::2]


def _bass_phase(frames: np.ndarray, bass: np.ndarray, novelty: np.ndarray, period: float,
                tatums: int) -> np.ndarray:
    """Move the beat grid by whole tatums when the bass says the beat lies there.

    Onsets alone leave the phase of some figures ambiguous: in a jig's crotchet-quaver
    rhythm the quaver (with the chord's upstroke) can be as strong as the beat, and the HMM
    may lock onto it. Bass notes mark the beat (Goto 2001), so each shift by a tatum (a third
    of a compound beat, half a simple one) is scored by the mean bass-band onset strength at
    the shifted beats, and the grid moves only when a shift beats the decoded phase by
    :data:`BASS_PHASE_MARGIN`.
    """
    if len(frames) < 4:
        return frames
    reach = max(int(period) // OBSERVATION_LAMBDA, 1)
    last = len(bass) - 1

    def strength(at: np.ndarray) -> float:
        at = np.clip(at, 0, last)
        return float(np.mean(peak_near(bass, at, reach)))

    shifts = [int(round(k * period / tatums)) for k in range(tatums)]
    scores = [strength(frames + s) for s in shifts]
    best = int(np.argmax(scores))
    if best == 0 or scores[best] <= BASS_PHASE_MARGIN * scores[0]:
        return frames
    moved = frames + shifts[best]
    return _snap(moved[moved <= last], novelty, reach)


def _trim_ends(frames: np.ndarray, activation: np.ndarray, reach: int) -> np.ndarray:
    """Drop beats at either end whose activation is below :data:`EDGE_MIN` of the median.

    The HMM places a beat wherever one is due, and at the ends of a piece a due beat is
    cheap: at the last frames only a part of its observation region is seen. Inside the
    piece a weak beat is kept (a rest or a syncopation does not stop the pulse); at the ends
    there is no music to carry it.
    """
    if len(frames) < 3:
        return frames
    strength = np.array([activation[t:t + reach + 1].max() for t in frames])
    strong = np.flatnonzero(strength >= EDGE_MIN * np.median(strength))
    return frames[strong[0]:strong[-1] + 1]


def _snap(frames: np.ndarray, novelty: np.ndarray, reach: int) -> np.ndarray:
    """Move each beat to the strongest novelty frame within its observation region."""
    out = frames.copy()
    for i, t in enumerate(frames):
        lo, hi = max(t - 1, 0), min(t + reach + 1, len(novelty))
        out[i] = lo + int(np.argmax(novelty[lo:hi]))
    return out


def _refine(frames: np.ndarray, novelty: np.ndarray) -> np.ndarray:
    """Sub-frame beat positions: the vertex of a parabola through each peak and its neighbours."""
    inner = (frames > 0) & (frames < len(novelty) - 1)
    left = novelty[np.clip(frames - 1, 0, None)]
    mid = novelty[frames]
    right = novelty[np.clip(frames + 1, None, len(novelty) - 1)]
    curvature = left - 2 * mid + right
    ok = inner & (curvature < 0)
    shift = np.zeros(len(frames))
    shift[ok] = 0.5 * (left[ok] - right[ok]) / curvature[ok]
    return frames + np.clip(shift, -0.5, 0.5)


def _tempo(beats: np.ndarray) -> float:
    """Tempo in BPM from the middle half of the inter-beat intervals (robust to fermatas)."""
    intervals = np.diff(beats)
    lo, hi = np.percentile(intervals, [25, 75])
    middle = intervals[(intervals >= lo) & (intervals <= hi)]
    return 60.0 / float(middle.mean() if len(middle) else np.median(intervals))


def _meter(bass: np.ndarray, chroma: np.ndarray, novelty: np.ndarray, beat_frames: np.ndarray,
           period: float, downbeat: np.ndarray | None = None) -> tuple[int, int]:
    """Beats per bar and the index of the first downbeat.

    Bars start where the harmony changes and the bass enters, so each beat gets an accent:
    the chroma change into it plus the bass-band and full-band onset strength at it (each
    standardised over the piece). Every grouping of 2, 3 or 4 beats at every phase is scored by
    the effect size (Cohen's d) of its first beats against the others; the strongest grouping
    wins, with :data:`FOUR_BEAT_PRIOR` favouring four-beat bars, the commonest meter, over the
    half bars that oom-pah accompaniments make look like bars of two.
    """
    if len(beat_frames) < 8:
        return 0, 0
    accent = _beat_accents(bass, chroma, novelty, beat_frames, period, downbeat)
    return _best_grouping(accent, (2, 3, 4))


def _beat_accents(bass: np.ndarray, chroma: np.ndarray, novelty: np.ndarray,
                  beat_frames: np.ndarray, period: float, downbeat: np.ndarray | None
                  ) -> np.ndarray:
    """Accent of each beat: chroma change into it, bass-band and full-band onset strength at
    it and, with the network, its downbeat activation, each standardised over the piece."""
    change = _chord_change(chroma, beat_frames, period)
    reach = max(int(period) // 8, 1)
    bass_at = peak_near(bass, beat_frames, reach)
    onset_at = peak_near(novelty, beat_frames, reach)
    accent = zscore(change) + zscore(bass_at) + 0.5 * zscore(onset_at)
    if downbeat is not None:
        accent += DOWNBEAT_WEIGHT * zscore(peak_near(downbeat, beat_frames, reach))
    return accent


def _best_grouping(accent: np.ndarray, sizes: tuple[int, ...]) -> tuple[int, int]:
    """Group size and phase whose first elements stand out most from the others,
    :data:`FOUR_BEAT_PRIOR` favouring groups of four."""
    best = (-np.inf, 0, 0)
    for size in sizes:
        effect, phase = _grouping_effect(accent, size)
        effect *= FOUR_BEAT_PRIOR if size == 4 else 1.0
        if effect > best[0]:
            best = (effect, size, phase)
    return best[1], best[2]


def _grouping_effect(accent: np.ndarray, size: int) -> tuple[float, int]:
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


def _chord_change(chroma: np.ndarray, beat_frames: np.ndarray, period: float) -> np.ndarray:
    """Cosine distance between the mean chroma of each beat and of the beat before it (the
    first beat gets the median, so it is neither accented nor not)."""
    edges = np.append(beat_frames, min(chroma.shape[1], beat_frames[-1] + int(period)))
    beat_chroma = np.stack([chroma[:, a:max(b, a + 1)].mean(axis=1)
                            for a, b in zip(edges[:-1], edges[1:], strict=True)])
    beat_chroma /= np.linalg.norm(beat_chroma, axis=1, keepdims=True) + 1e-9
    change = np.zeros(len(beat_frames))
    change[1:] = 1.0 - np.sum(beat_chroma[1:] * beat_chroma[:-1], axis=1)
    change[0] = np.median(change[1:])
    return change


def _beat_grouping(novelty: np.ndarray, bass: np.ndarray, chroma: np.ndarray, period: float
                   ) -> tuple[float, np.ndarray | None]:
    """The tatum (frames) and the two-or-three features of :mod:`dancekit.audio.beat_grouping`
    (None when the music is too short to see three tatums repeat).

    The tatum (the fastest regular pulse) is a third of the period when the novelty repeats
    clearly after a third of it and more than after a half, else a half. Both readings of the
    same tatums, a beat of 2 (3/4 in quavers) or of 3 (6/8), are then put to the cues of the
    learned decision: how onsets, chord changes and bass onsets repeat at 2 and at 3 tatums,
    and how the accents of decoded tatums group. This is the classic 3/4-versus-6/8
    question, which the onset periodicity alone often gets wrong for accompaniment figures
    that run across the beat.
    """
    onset_acf = scipy.ndimage.maximum_filter1d(_autocorrelation(novelty), size=5)
    tatum = _tatum(onset_acf, period)
    return tatum, _grouping_features(novelty, bass, chroma, tatum, onset_acf)


def _grouping_features(novelty: np.ndarray, bass: np.ndarray, chroma: np.ndarray,
                       tatum: float, onset_acf: np.ndarray | None = None
                       ) -> np.ndarray | None:
    """The two-or-three features of a tatum (frames), or None when the music is too short to
    see three tatums repeat; ``onset_acf``, the novelty's peak-widened autocorrelation, when
    the caller has it already."""
    if 3 * tatum >= len(novelty) / 2:
        return None
    if onset_acf is None:
        onset_acf = scipy.ndimage.maximum_filter1d(_autocorrelation(novelty), size=5)
    harmony_acf = scipy.ndimage.maximum_filter1d(
        _autocorrelation(_harmonic_novelty(chroma, tatum)), size=5)
    bass_acf = scipy.ndimage.maximum_filter1d(_autocorrelation(bass), size=5)
    return grouping_features(onset_acf, harmony_acf, bass_acf,
                             _tatum_accents(novelty, bass, chroma, tatum), tatum)


def _regroup_fast(pulse: Pulse, chroma: np.ndarray, frames: np.ndarray, tatum: float,
                  show_progress: bool) -> tuple[np.ndarray, float, bool]:
    """Beat frames, period and compoundness when a tracked pulse above :data:`FAST_BPM` is
    read as the tatum.

    A pulse that quick is the quavers of a slow 6/8 air or of a polonaise rather than a
    written beat; the tempo head can be confident about it on music unlike its training
    music. Whether a beat is two of those tatums or three is read from their accents the
    way bars are read from beats (:func:`_meter`: chord change, bass and onsets, and the
    network's downbeat activation) when one grouping clearly wins (by
    :data:`GROUPING_MARGIN`), as in slow airs whose bass and harmony move with the beat;
    otherwise the learned two-or-three model of :mod:`dancekit.audio.beat_grouping`
    decides, which was fitted with dance grooves whose 3+3+2 figures fool the accents
    (a rumba's quavers read by the accents alone come out as 12/8). The HMM then decodes
    the same observation at the chosen period, so the phase is the one the activation
    supports best. Too few tatums to group: the pulse is kept.
    """
    if len(frames) < 8:
        return frames, tatum, pulse.compound
    accent = _beat_accents(pulse.bass, chroma, pulse.novelty, frames, tatum, pulse.downbeat)
    contrast = {size: _grouping_effect(accent, size)[0] for size in (2, 3)}
    if abs(contrast[3] - contrast[2]) >= GROUPING_MARGIN:
        compound = contrast[3] > contrast[2]
    else:
        features = _grouping_features(pulse.novelty, pulse.bass, chroma, tatum)
        if features is None:
            return frames, tatum, pulse.compound
        compound = compound_probability(features) > 0.5
    period = (3 if compound else 2) * tatum
    if pulse.downbeat is None:  # the cue tracker's novelty
        return _decode_beats(pulse.observation, period, show_progress), period, compound
    return _decode_activation(pulse.observation, period, show_progress), period, compound


def _tatum(onset_acf: np.ndarray, period: float) -> float:
    """A third of ``period`` when the novelty repeats clearly after a third of it and more
    than after a half, else a half (``onset_acf``: the novelty's autocorrelation, peaks
    widened over 5 lags)."""
    third, half = onset_acf[int(round(period / 3))], onset_acf[int(round(period / 2))]
    return period / 3 if third > max(half, COMPOUND_MIN_ACF) else period / 2


def _tatum_accents(novelty: np.ndarray, bass: np.ndarray, chroma: np.ndarray, tatum: float
                   ) -> np.ndarray:
    """Accent of each decoded tatum in the first :data:`GROUPING_SECONDS`: its bass onset
    strength plus the chord change into it, each standardised."""
    end = min(len(novelty), int(GROUPING_SECONDS * FPS))
    frames = _decode_beats(novelty[:end], tatum, fastest_bpm=np.inf)
    if len(frames) < 2:
        return np.zeros(0)
    reach = max(int(tatum) // 8, 1)
    bass_at = peak_near(bass, frames, reach)
    return zscore(bass_at) + zscore(_chord_change(chroma[:, :end], frames, tatum))


def _harmonic_novelty(chroma: np.ndarray, tatum: float) -> np.ndarray:
    """Chord-change curve: cosine distance between chroma smoothed over a tatum, half a tatum
    apart (Goto & Muraoka's chord-change cue for beat levels)."""
    smooth = scipy.ndimage.uniform_filter1d(chroma, size=max(int(tatum), 3), axis=1)
    smooth = smooth / (np.linalg.norm(smooth, axis=0, keepdims=True) + 1e-9)
    lag = max(int(tatum // 2), 2)
    change = np.zeros(chroma.shape[1])
    change[lag:] = 1.0 - np.sum(smooth[:, lag:] * smooth[:, :-lag], axis=0)
    return change


def _autocorrelation(novelty: np.ndarray) -> np.ndarray:
    """Autocorrelation of the mean-removed novelty, 1 at lag 0 (all zeros for a flat curve)."""
    x = novelty - novelty.mean()
    n = len(x)
    acf = np.fft.irfft(np.abs(np.fft.rfft(x, 2 * n)) ** 2)[:n]
    return acf / acf[0] if acf[0] > 0 else np.zeros(n)


def _meter_name(per_bar: int, compound: bool) -> str:
    if per_bar == 0:
        return "unknown"
    return f"{per_bar * 3}/8" if compound else f"{per_bar}/4"
