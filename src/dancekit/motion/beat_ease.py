"""Beat easing: slow a dance down on the music's beats, as dancers do, by re-timing it.

Dancers hit the beat: in dancekit's synthetic reference dances the whole-body speed within a
tenth of a beat of each beat is about 0.6 of the mean speed (:func:`dancekit.metrics.beats.
beat_speed_ratio`). A learned model that predicts averaged futures keeps a nearly even speed
(the bundled FACT weights: 0.95), and the beat warper (:mod:`dancekit.motion.beat_warp`) can
only move the few slow-downs it finds. Easing re-times each beat interval [b, b'] by

    tau(t) = b + (b' - b) * (u - a * sin(2 pi u) / (2 pi)),   u = (t - b) / (b' - b),

so the motion plays at ``1 - a`` of its speed on every beat and ``1 + a`` half-way between.
Every beat keeps its time and every pose its place in the beat, the rate is continuous
across beats, and each beat interval lasts as long as before: only the timing inside a beat
changes, nothing is invented. With no strength given, ``a`` is the smallest that brings the
dance's speed on the beat down to :data:`TARGET_BEAT_SPEED`, what nine synthetic reference
dances in ten reach (none for a dance that already slows there), at most :data:`MAX_STRENGTH`.
"""

from __future__ import annotations

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.beat_warp import beats_inside, warp_to_beats
from dancekit.motion.core import Motion
from dancekit.motion.processing import retime
from dancekit.motion.speed import body_speed, near_beat_ratio, smooth_speed

#: Whole-body speed on the beat over the mean speed that easing brings a dance down to: 90 %
#: of the synthetic reference dances of 600 synth training songs slow down at least this much
#: (``dancekit synth --n 600 --seed 0``, their exact beats, ``beat_speed_ratio``: mean 0.62,
#: 10th-90th percentile 0.44-0.79), so a dance that moves like them on the beat is left alone.
TARGET_BEAT_SPEED = 0.78
#: Largest easing strength: the motion never plays slower than 1 - MAX_STRENGTH of its speed
#: nor faster than 1 + MAX_STRENGTH. Stronger easing aligns more but adds jerk: on the FACT
#: selection songs 0.35 was the strongest cap that kept jitter under the reference dances'
#: and FID_k within 10 % of the un-eased dances'.
MAX_STRENGTH = 0.35


def ease_to_beats(motion: Motion, beat_times: np.ndarray, *, strength: float | None = None,
                  target: float = TARGET_BEAT_SPEED,
                  max_strength: float = MAX_STRENGTH) -> Motion:
    """Re-time ``motion`` so it slows down on ``beat_times`` (seconds from its first frame).

    Parameters
    ----------
    motion : Motion
        Any skeleton, 3D or 2D; rotations are slerped and positions recomputed by FK.
    beat_times : ndarray (B,)
        The music's beats.
    strength : float in [0, 1), optional
        ``a`` of the module formula. Default: the least that brings the speed on the beat to
        ``target`` times the mean speed, at most ``max_strength``.
    target : float > 0
        Whole-body speed on the beat over the mean speed to reach (the synthetic reference
        dances: 0.62 on average, 0.79 or less for 90 % of them).

    Returns
    -------
    Motion
        Same length, fps and skeleton; ``meta["beat_ease"]`` holds the strength used and the
        speed on the beat before (ratio to the mean speed).
    """
    if strength is not None and not 0 <= strength < 1:
        raise ParameterError(f"easing strength must be in [0, 1), got {strength}")
    if not 0 <= max_strength < 1:
        raise ParameterError(f"max_strength must be in [0, 1), got {max_strength}")
    if not target > 0:
        raise ParameterError(f"target must be positive, got {target}")
    beats = beats_inside(motion, beat_times)
    end = (motion.num_frames - 1) / motion.fps
    times = np.arange(motion.num_frames) / motion.fps
    if motion.num_frames < 3 or beats.size < 2:
        return motion.replace(meta={**motion.meta, "beat_ease": {"strength": 0.0}})
    raw = body_speed(np.asarray(motion.positions, dtype=np.float64), motion.fps)
    before = near_beat_ratio(smooth_speed(raw, motion.fps), times, beats)
    if strength is None:
        strength = _strength_for(raw, before, times, beats, target, max_strength, motion.fps)
    out = retime(motion, np.clip(_eased_times(times, beats, strength)[0], 0.0, end)) \
        if strength > 0 else motion
    info = {"strength": round(float(strength), 4), "beat_speed_before": round(float(before), 4)}
    return out.replace(meta={**motion.meta, "beat_ease": info})


def _eased_times(times: np.ndarray, beats: np.ndarray,
                 strength: float) -> tuple[np.ndarray, np.ndarray]:
    """Source time ``tau`` of each output time and the local rate ``d tau / dt``; identity
    before the first and after the last beat."""
    index = np.searchsorted(beats, times, side="right") - 1
    inside = (index >= 0) & (index < beats.size - 1)
    start = beats[index[inside]]
    span = beats[index[inside] + 1] - start
    u = (times[inside] - start) / span
    tau, rate = times.copy(), np.ones_like(times)
    tau[inside] = start + span * (u - strength * np.sin(2 * np.pi * u) / (2 * np.pi))
    rate[inside] = 1 - strength * np.cos(2 * np.pi * u)
    return tau, rate


def _strength_for(raw: np.ndarray, before: float, times: np.ndarray, beats: np.ndarray,
                  target: float, max_strength: float, fps: float) -> float:
    """The least strength whose eased speed on the beat is ``target`` of the mean (bisection
    on the predicted envelope: the speed at the source time times the rate, smoothed as the
    metric smooths it), 0 if the dance is there already (``before``: its speed on the beat
    un-eased), ``max_strength`` if it cannot be."""
    def eased(strength: float) -> float:
        tau, rate = _eased_times(times, beats, strength)
        return near_beat_ratio(smooth_speed(np.interp(tau, times, raw) * rate, fps), times, beats)

    if not before > target:
        return 0.0
    if eased(max_strength) >= target:
        return max_strength
    low, high = 0.0, max_strength
    for _ in range(20):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if eased(mid) > target else (low, mid)
    return high


def time_to_beats(motion: Motion, beat_times: np.ndarray, *, warp: bool = True,
                  ease: bool = True) -> Motion:
    """The re-timing ``dancekit dance`` gives every dance: the beat warp moves the dance's own
    slow-downs onto the beats, then easing slows it on the beats where it still does not."""
    if warp:
        motion = warp_to_beats(motion, beat_times)
    return ease_to_beats(motion, beat_times) if ease else motion
