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

from dancekit.errors import ParameterError
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


def moving_span(motion: Motion, speed: float = 0.1, window: float = 0.5) -> tuple[int, int]:
    """Frames ``[a, b)`` from the first to the last moment ``motion`` moves: where its mean
    joint speed, averaged over ``window`` seconds, is at least ``speed`` (units per second).
    A capture's first and last seconds often hold the dancers standing before and after the
    dance, which a model would learn as part of it. ``(0, T)`` when it never moves."""
    n = motion.num_frames
    if n < 2:
        return 0, n
    raw = body_speed(np.asarray(motion.positions, dtype=np.float64), motion.fps)
    width = max(1, int(round(window * motion.fps)))
    padded = np.pad(raw, (width // 2, width - 1 - width // 2), mode="edge")
    mean = np.convolve(padded, np.ones(width) / width, mode="valid")
    moving = np.flatnonzero(mean >= speed)
    if len(moving) == 0:
        return 0, n
    return int(moving[0]), int(moving[-1]) + 1


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


#: Dancing to Music's kinematic beats: a speed minimum counts when the speed around it drops
#: by at least this share of the lower neighbouring peak. On 20 synthetic dances with known
#: beats (a detected beat within 0.1 s of a true one is a hit) any drop requirement lost
#: more true beats than false ones (F1 0.809 at 0.1, 0.820 at 0), so every minimum counts.
BEAT_DROP = 0.0
#: ... and a change of direction counts when the joints' velocities turn by at least this
#: much on average, weighted by speed ((1 - cos) / 2: 0.5 is a right angle).
BEAT_TURN = 0.5
#: Two beats closer than this (seconds) are one beat.
BEAT_GAP = 0.2


def movement_beats(motion: Motion | np.ndarray, *, fps: float | None = None,
                   smooth_seconds: float = SMOOTH_SECONDS,
                   drop: float = BEAT_DROP, turn: float = BEAT_TURN,
                   min_gap: float = BEAT_GAP) -> np.ndarray:
    """Times (s) of ``motion``'s kinematic beats as Dancing to Music defines them (Lee et al.,
    NeurIPS 2019): where the body's motion magnitude drops to a local minimum, or where its
    joints change direction.

    :func:`slow_downs` sees only the first kind, and every wiggle of the envelope; a dancer
    who reverses an arm at full speed marks a beat without slowing down, and a minimum a
    hair below its neighbours marks none. So a speed minimum counts when the envelope drops
    by at least ``drop`` of the lower peak beside it, a turn (a strict local maximum of the
    speed-weighted mean of ``(1 - cos)/2`` between each joint's velocity 0.1 s before and
    after) when it reaches ``turn``, and beats closer than ``min_gap`` seconds merge into
    the speed minimum among them (else the first). Works on 3D and 2D motion; a bare
    (T, J, D) array needs ``fps``.

    Examples
    --------
    >>> t = np.arange(90) / 60  # a hand at 2 m/s turning back in 0.1 s every 0.5 s
    >>> angle = np.where(t % 0.5 >= 0.4, (t % 0.5 - 0.4) / 0.1 * np.pi, 0) + np.pi * (t // 0.5 % 2)
    >>> hand = np.cumsum(2 * np.stack([np.cos(angle), 0 * t, np.sin(angle)], 1), 0) / 60
    >>> other = np.stack([0.5 * t ** 2, 0 * t, 0 * t], 1)  # speeding up: no slow-down
    >>> movement_beats(np.stack([hand, other], 1), fps=60).round(2)
    array([0.43, 0.93])
    """
    if smooth_seconds < 0 or not 0 <= drop < 1 or not 0 < turn <= 1 or min_gap < 0:
        raise ParameterError("movement_beats needs smooth_seconds >= 0, 0 <= drop < 1, "
                             f"0 < turn <= 1 and min_gap >= 0; got {smooth_seconds}, {drop}, "
                             f"{turn}, {min_gap}")
    if isinstance(motion, Motion):
        p, rate = np.asarray(motion.positions, dtype=np.float64), motion.fps
    elif fps is None or not fps > 0:
        raise ParameterError(f"movement_beats of a bare array needs fps > 0, got {fps}")
    else:
        p, rate = np.asarray(motion, dtype=np.float64), float(fps)
    if p.ndim != 3 or len(p) < 3:
        return np.zeros(0)
    env = smooth_speed(body_speed(p, rate), rate, smooth_seconds)
    slow = _deep_minima(env, drop)
    turns = direction_change(p, rate, smooth_seconds)
    peaks = np.flatnonzero(turns >= turn)
    peaks = peaks[np.isin(peaks, strict_minima(-turns, 1))]
    return _merge(slow, peaks, max(int(round(min_gap * rate)), 0)) / rate


def direction_change(positions: np.ndarray, rate: float,
                     smooth_seconds: float = SMOOTH_SECONDS, lag: float = 0.1) -> np.ndarray:
    """How much the joints turn at each frame (T,), in [0, 1]: ``(1 - cos)/2`` of the angle
    between each joint's velocity ``lag`` seconds before and after, averaged over joints
    weighted by their speed (a still joint's jitter turns nothing)."""
    p = positions if smooth_seconds <= 0 else gaussian_smooth(positions, smooth_seconds * rate)
    v = np.gradient(p, axis=0)
    k = max(int(round(lag * rate)), 1)
    before = np.concatenate([np.repeat(v[:1], k, 0), v[:-k]])
    after = np.concatenate([v[k:], np.repeat(v[-1:], k, 0)])
    nb, na = np.linalg.norm(before, axis=-1), np.linalg.norm(after, axis=-1)
    cos = (before * after).sum(-1) / np.maximum(nb * na, 1e-12)
    weight = nb + na
    return ((1 - cos) / 2 * weight).sum(1) / np.maximum(weight.sum(1), 1e-12)


def _deep_minima(env: np.ndarray, drop: float) -> np.ndarray:
    """Strict local minima of ``env`` lying at least ``drop`` (a share) below the lower of
    the highest values between them and the neighbouring minima (or the ends)."""
    minima = strict_minima(env, 1)
    bounds = np.concatenate([[0], minima, [len(env) - 1]])
    keep = [m for i, m in enumerate(minima)
            if env[m] <= (1 - drop) * min(env[bounds[i]:m + 1].max(),
                                          env[m:bounds[i + 2] + 1].max())]
    return np.asarray(keep, dtype=np.int64)


def _merge(slow: np.ndarray, turns: np.ndarray, gap: int) -> np.ndarray:
    """Frames of both kinds, sorted; a run of frames each within ``gap`` of the last becomes
    one: its first speed minimum, else its first turn."""
    frames = np.concatenate([slow, turns])
    is_slow = np.concatenate([np.ones(len(slow), bool), np.zeros(len(turns), bool)])
    order = np.lexsort((~is_slow, frames))
    frames, is_slow = frames[order], is_slow[order]
    out: list[int] = []
    start = 0
    for i in range(1, len(frames) + 1):
        if i == len(frames) or frames[i] - frames[i - 1] > gap:
            group = slice(start, i)
            pick = np.flatnonzero(is_slow[group])
            out.append(int(frames[group][pick[0] if len(pick) else 0]))
            start = i
    return np.asarray(out, dtype=np.int64)
