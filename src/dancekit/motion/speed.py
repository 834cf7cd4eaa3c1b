"""Whole-body speed and its slow-downs (kinematic beats), and how much of it falls on beats.

Re-timing a dance onto the music's beats (:mod:`dancekit.motion.beat_warp`,
:mod:`dancekit.motion.beat_ease`) and scoring its beat alignment
(:mod:`dancekit.metrics.beats`) measure the same speed. It is a property of a motion, so it
lives here, below the metrics that report it: speed in units per second by central
differences, a Gaussian smoothing whose width is in seconds, strict local minima. The
published protocols' variants of the envelope stay with the metrics.
"""

from __future__ import annotations

import numpy as np

from dancekit.motion.core import Motion
from dancekit.motion.filters import gaussian_smooth

#: Gaussian sigma of the speed envelope, seconds: Bailando's 5 frames at AIST++'s 60 fps.
SMOOTH_SECONDS = 5.0 / 60.0


def body_speed(positions: np.ndarray, rate: float) -> np.ndarray:
    """Mean joint speed per frame (T,), in units per second, unsmoothed; ``positions`` is
    (T, J, D) at ``rate`` frames per second, T >= 2."""
    return np.linalg.norm(np.gradient(positions, axis=0), axis=-1).mean(axis=1) * rate


def smooth_speed(speed: np.ndarray, rate: float,
                 smooth_seconds: float = SMOOTH_SECONDS) -> np.ndarray:
    """A raw speed envelope at ``rate`` frames per second smoothed by a Gaussian of sigma
    ``smooth_seconds`` (0 leaves it raw). Beat easing uses it to predict the envelope of a
    re-timed dance without re-timing it."""
    if smooth_seconds > 0:
        return gaussian_smooth(speed, smooth_seconds * rate)
    return speed


def strict_minima(env: np.ndarray, order: int) -> np.ndarray:
    """Indices of values strictly below every neighbour within ``order`` frames, neighbours
    past the ends clipped to the end frames (so those never count), as
    ``scipy.signal.argrelextrema(env, np.less, order)``: written out because importing
    scipy.signal (and scipy.stats with it) costs every command that warps or scores beats
    about half a second."""
    idx = np.arange(len(env))
    keep = np.ones(len(env), dtype=bool)
    for shift in range(1, order + 1):
        keep &= env < env[np.minimum(idx + shift, len(env) - 1)]
        keep &= env < env[np.maximum(idx - shift, 0)]
    return np.flatnonzero(keep)


def slow_downs(motion: Motion) -> np.ndarray:
    """Times (s) of ``motion``'s kinematic beats: the strict local minima of its smoothed
    whole-body speed (what :func:`dancekit.metrics.kinematic_beats` gives by default)."""
    rate = motion.fps
    env = smooth_speed(body_speed(np.asarray(motion.positions, dtype=np.float64), rate), rate)
    return strict_minima(env, 1) / rate


def near_beats(times: np.ndarray, beat_times: np.ndarray, window: float = 0.1) -> np.ndarray:
    """Which ``times`` lie within ``window`` of a (median) beat period of a beat, (T,) bool;
    none with fewer than two beats. Times and beats in the same unit (seconds or frames)."""
    times = np.asarray(times, dtype=np.float64)
    beats = np.sort(np.asarray(beat_times, dtype=np.float64).ravel())
    if beats.size < 2:
        return np.zeros(times.shape, dtype=bool)
    period = float(np.median(np.diff(beats)))
    index = np.clip(np.searchsorted(beats, times), 1, beats.size - 1)
    distance = np.minimum(np.abs(times - beats[index - 1]), np.abs(times - beats[index]))
    return distance < window * period


def near_beat_ratio(envelope: np.ndarray, times: np.ndarray, music_beat_times: np.ndarray,
                    window: float = 0.1) -> float:
    """Mean of a speed envelope sampled at ``times`` (s) within ``window`` of a beat period of
    the music's beats, over its mean: below 1 for a dance that slows down on the beat. NaN
    when fewer than two beats fall inside ``times``."""
    beats = np.asarray(music_beat_times, dtype=np.float64).ravel()
    beats = beats[(beats >= times[0]) & (beats <= times[-1])]
    if beats.size < 2:
        return float("nan")
    return float(envelope[near_beats(times, beats, window)].mean() / envelope.mean())
