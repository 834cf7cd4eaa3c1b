"""Beats from a beat-probability curve: Viterbi decoding of a beat-pointer HMM.

The hidden state is (beat period, position inside the beat) (Whiteley et al. 2006; Krebs,
Böck & Widmer, ISMIR 2015). The period may change from one beat to the next at a cost that
grows with the ratio of successive periods, so accelerandi and rubato are followed; a beat
occupies the first ``1 / observation_lambda`` of its period, where the curve should be high.
The curve is the beat network's activation or the onset novelty of the cue tracker; each
decoded beat then moves to the curve's strongest frame close to it.
"""

from __future__ import annotations

import numpy as np

from dancekit.audio.beats.cues import FPS
from dancekit.audio.beats.settings import BeatSettings
from dancekit.utils import progress


def beat_reach(period: float, settings: BeatSettings) -> int:
    """Frames of a beat's observation region at ``period``: how far a beat may move to the
    strongest frame of the curve."""
    return max(int(period) // settings.observation_lambda, 1)


def decode_beats(curve: np.ndarray, period: float, settings: BeatSettings,
                 show_progress: bool = False, *, fastest_bpm: float | None = None,
                 gain: float | None = None) -> np.ndarray:
    """Viterbi path of the beat-pointer HMM around ``period`` (frames); returns beat frames.

    ``fastest_bpm`` bounds the tempo (default ``settings.max_bpm``; raised to decode tatums,
    which may be quicker than any beat); ``gain`` turns the curve into a beat probability
    (default ``settings.activation_gain`` for a novelty; 1 for the network's activation,
    which is one).
    """
    fastest_bpm = settings.max_bpm if fastest_bpm is None else fastest_bpm
    gain = settings.activation_gain if gain is None else gain
    observation = settings.observation_lambda
    lo = max(int(np.floor(period / settings.tempo_spread)),
             int(np.floor(60 * FPS / fastest_bpm)), 1)
    hi = min(int(np.ceil(period * settings.tempo_spread)),
             int(np.ceil(60 * FPS / settings.min_bpm)))
    intervals = np.arange(lo, hi + 1)
    k = len(intervals)
    first = np.concatenate([[0], np.cumsum(intervals)[:-1]])
    last = first + intervals - 1
    n_states = int(intervals.sum())
    position = np.arange(n_states) - np.repeat(first, intervals)
    beat_state = position < np.repeat(np.maximum(intervals // observation, 1), intervals)

    ratio = intervals[None, :] / intervals[:, None]  # (from, to)
    log_trans = -settings.transition_lambda * np.abs(ratio - 1.0)
    log_trans -= np.logaddexp.reduce(log_trans, axis=1, keepdims=True)

    activation = np.clip(gain * curve, 1e-4, 1.0 - 1e-4)
    log_beat = np.log(activation)
    log_other = np.log((1.0 - activation) / (observation - 1))

    n = len(curve)
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
    return snap(frames, curve, beat_reach(period, settings))


def decode_activation(beat: np.ndarray, period: float, settings: BeatSettings,
                      show_progress: bool = False) -> np.ndarray:
    """Beat frames of the network's beat activation around ``period``: the HMM with the
    activation as the beat probability, weak beats at either end dropped."""
    frames = decode_beats(beat, period, settings, show_progress, gain=1.0)
    return trim_ends(frames, beat, beat_reach(period, settings), settings.edge_min)


def trim_ends(frames: np.ndarray, activation: np.ndarray, reach: int,
              edge_min: float) -> np.ndarray:
    """Drop beats at either end whose activation is below ``edge_min`` of the median.

    The HMM places a beat wherever one is due, and at the ends of a piece a due beat is
    cheap: at the last frames only a part of its observation region is seen. Inside the
    piece a weak beat is kept (a rest or a syncopation does not stop the pulse); at the ends
    there is no music to carry it.
    """
    if len(frames) < 3:
        return frames
    strength = np.array([activation[t:t + reach + 1].max() for t in frames])
    strong = np.flatnonzero(strength >= edge_min * np.median(strength))
    return frames[strong[0]:strong[-1] + 1]


def snap(frames: np.ndarray, curve: np.ndarray, reach: int) -> np.ndarray:
    """Move each beat to the strongest frame of ``curve`` within its observation region."""
    out = frames.copy()
    for i, t in enumerate(frames):
        lo, hi = max(t - 1, 0), min(t + reach + 1, len(curve))
        out[i] = lo + int(np.argmax(curve[lo:hi]))
    return out


def refine(frames: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """Sub-frame beat positions: the vertex of a parabola through each peak and its neighbours."""
    inner = (frames > 0) & (frames < len(curve) - 1)
    left = curve[np.clip(frames - 1, 0, None)]
    mid = curve[frames]
    right = curve[np.clip(frames + 1, None, len(curve) - 1)]
    curvature = left - 2 * mid + right
    ok = inner & (curvature < 0)
    shift = np.zeros(len(frames))
    shift[ok] = 0.5 * (left[ok] - right[ok]) / curvature[ok]
    return frames + np.clip(shift, -0.5, 0.5)
