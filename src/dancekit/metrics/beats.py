"""Kinematic beats and how well they meet the music's beats.

A *kinematic beat* is a moment where the whole body slows down: a local minimum of joint
speed. Two published definitions disagree on almost every detail:

=====================  ==============================  ==================================
                       FACT (mint ``calculate_beat_    Bailando (``utils/beat_align_
                       scores.py``)                    score.py``)
=====================  ==============================  ==================================
speed envelope         sum of joint step lengths,      mean of joint step lengths,
                       frame t = step t-1 -> t         index t = step t -> t+1, float32
smoothing              none                            Gaussian, sigma 5 frames
minima                 strict, +-10 frames             strict, +-1 frame
score averaged over    motion beats                    music beats
sigma of the score     3 frames                        3 frames
=====================  ==============================  ==================================

Both count frames at whatever rate the motion has, so a 30 fps and a 60 fps rendering of
the same dance score differently. ``protocol="corrected"`` measures speed in units per
second with central differences (frame t is the time t / fps), smooths with a Gaussian of
``smooth_seconds`` (5/60 s: Bailando's width at AIST++'s 60 fps), takes strict local minima,
and scores with a width of 3/60 s, averaging over motion beats as the Beat Align Score is
defined in the AIST++ paper (Li et al., "AI Choreographer", ICCV 2021).

Everything works on 3D motion (metres) and on 2D keypoints (pixels).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from dancekit.errors import ParameterError
from dancekit.metrics.protocols import (
    check_protocol,
    positions_of,
    preparation,
    require_frames,
)
from dancekit.motion.core import Motion
from dancekit.motion.speed import (
    SMOOTH_SECONDS,
    body_speed,
    near_beat_ratio,
    smooth_speed,
    strict_minima,
)

FACT_ORDER = 10         # minima must be the lowest within +-10 frames ("for 60 fps")
BAILANDO_SMOOTH = 5.0   # Gaussian sigma, frames
SCORE_SIGMA = 3.0       # frames, both published scores
CORRECTED_SIGMA = 3.0 / 60.0    # seconds


def speed_envelope(motion: Motion | np.ndarray, *, fps: float | None = None,
                   protocol: str = "corrected",
                   smooth_seconds: float = SMOOTH_SECONDS) -> tuple[np.ndarray, np.ndarray]:
    """Whole-body speed over time and the time (s) each value belongs to.

    Returns ``(envelope, times)``; see the module table for each protocol's envelope. In the
    corrected protocol it is the mean joint speed in units per second, smoothed.
    """
    protocol = check_protocol(protocol)
    p, rate = positions_of(motion, fps)
    require_frames(p, 3, "a speed envelope")
    if protocol == "bailando":
        from scipy.ndimage import gaussian_filter1d  # 0.2 s to import: only when smoothing

        # in the script's float32, smoothed output included: equal neighbours it rounds to
        # form a plateau, which the strict minimum test rejects as the script does
        p = p.astype(preparation(protocol).dtype)
        step = np.mean(np.sqrt(np.sum((p[1:] - p[:-1]) ** 2, axis=2)), axis=1)
        return gaussian_filter1d(step, BAILANDO_SMOOTH), np.arange(step.size) / rate
    if protocol in ("fact", "aistpp-prefix"):
        vel = np.zeros(p.shape, dtype=np.float32)   # FACT's float32 buffer, frame 0 at rest
        vel[1:] = p[1:] - p[:-1]
        env = np.sum(np.linalg.norm(vel, axis=2), axis=1)
        return env, np.arange(env.size) / rate
    if smooth_seconds < 0:
        raise ParameterError(f"smooth_seconds must be >= 0, got {smooth_seconds}")
    speed = body_speed(p, rate)
    return smooth_speed(speed, rate, smooth_seconds), np.arange(speed.size) / rate


def kinematic_beats(motion: Motion | np.ndarray, *, fps: float | None = None,
                    protocol: str = "corrected",
                    smooth_seconds: float = SMOOTH_SECONDS) -> np.ndarray:
    """Times (s) of the motion's kinematic beats: strict local minima of body speed.

    Parameters
    ----------
    motion : Motion or ndarray (T, J, 3|2)
        Any skeleton, 3D or 2D keypoints; a bare array needs ``fps`` (default 60).
    protocol : {"corrected", "fact", "bailando"}
        Whose definition (see the module table). Published protocols return frame indices
        divided by fps, exactly the frames their scripts use.
    smooth_seconds : float >= 0
        Corrected protocol only: Gaussian smoothing width in seconds.

    Returns
    -------
    ndarray float64 (B,)
        Increasing beat times in seconds.

    Examples
    --------
    >>> t = np.arange(240) / 60
    >>> arm = np.sin(2 * np.pi * t)[:, None, None] * np.array([1.0, 0.0, 0.0])
    >>> kinematic_beats(np.repeat(arm, 2, axis=1), fps=60).round(2)  # speed 0 at the turns
    array([0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75])
    """
    protocol = check_protocol(protocol)
    env, times = speed_envelope(motion, fps=fps, protocol=protocol, smooth_seconds=smooth_seconds)
    order = FACT_ORDER if protocol in ("fact", "aistpp-prefix") else 1
    return times[strict_minima(env, order)]


def beat_speed_ratio(motion: Motion | np.ndarray, music_beat_times: np.ndarray, *,
                     fps: float | None = None, window: float = 0.1) -> float:
    """Whole-body speed on the music's beats over its mean speed (corrected protocol).

    Frames within ``window`` of a (median) beat period of a beat count as on the beat. Real
    dancers slow down there (the synth dances: about 0.6), a dance that ignores the beat
    scores about 1: what the Beat Align Score's kinematic beats are made of, as one number.
    NaN when fewer than two beats fall inside the motion.

    Examples
    --------
    >>> t = np.arange(480) / 60  # an arm swinging once a second, turning at 0.5, 1.5, ...
    >>> arm = np.repeat(np.sin(np.pi * t)[:, None, None] * np.array([1.0, 0.0, 0.0]), 2, 1)
    >>> round(beat_speed_ratio(arm, np.arange(0.5, 8, 1.0), fps=60), 2)  # turns on the beat
    0.39
    >>> round(beat_speed_ratio(arm, np.arange(0.0, 8, 1.0), fps=60), 2)  # fastest on it
    1.49
    """
    env, times = speed_envelope(motion, fps=fps)
    return near_beat_ratio(env, times, music_beat_times, window)


def beat_align_score(motion: Motion | np.ndarray, music_beat_times: np.ndarray, *,
                     fps: float | None = None, protocol: str = "corrected",
                     sigma: float | None = None,
                     average_over: Literal["motion", "music"] | None = None,
                     skip_frames: int = 0) -> float:
    """Beat Align Score in [0, 1]: how close kinematic beats and music beats are.

    ``mean exp(-d^2 / (2 sigma^2))`` where d is each beat's distance to the nearest beat of
    the other kind.

    Parameters
    ----------
    motion : Motion or ndarray (T, J, 3|2)
    music_beat_times : array of float
        Music beats in seconds from the motion's first frame. Published protocols round them
        to frames; beats outside the clip are ignored (Bailando also drops the last frame,
        whose speed it cannot compute).
    protocol : {"corrected", "fact", "bailando"}
    sigma : float, optional
        Width of the score: frames in published protocols (default 3), seconds in the
        corrected one (default 3/60 s).
    average_over : {"motion", "music"}, optional
        Which beats the mean runs over. Default: "motion" (FACT, corrected), "music"
        (Bailando).
    skip_frames : int
        Ignore beats of both kinds before this frame (FACT's script skips the 120 seed
        frames of generated dances).

    Returns
    -------
    float
        0.0 when the motion has no kinematic beat (after ``skip_frames``).

    Raises
    ------
    ParameterError
        The motion has kinematic beats but no music beat falls inside the clip.
    """
    protocol = check_protocol(protocol)
    p, rate = positions_of(motion, fps)
    over = average_over or ("music" if protocol == "bailando" else "motion")
    if over not in ("motion", "music"):
        raise ParameterError(f"average_over must be 'motion' or 'music', got {average_over!r}")
    music = np.asarray(music_beat_times, dtype=np.float64).ravel()
    if not np.isfinite(music).all():
        raise ParameterError("music beat times must be finite numbers")
    kin = kinematic_beats(p, fps=rate, protocol=protocol)
    T = p.shape[0]
    if protocol == "corrected":
        width = CORRECTED_SIGMA if sigma is None else float(sigma)
        start = skip_frames / rate
        music = music[(music >= start) & (music <= (T - 1) / rate)]
        kin = kin[kin >= start]
    else:
        width = SCORE_SIGMA if sigma is None else float(sigma)
        last = T - 1 if protocol == "bailando" else T
        music = np.unique(np.round(music * rate).astype(np.int64))
        music = music[(music >= skip_frames) & (music < last)].astype(np.float64)
        kin = np.round(kin * rate)
        kin = kin[kin >= skip_frames]
    if width <= 0:
        raise ParameterError(f"sigma must be positive, got {width}")
    if kin.size == 0:  # checked first, as FACT does: no kinematic beat scores 0
        return 0.0
    if music.size == 0:
        raise ParameterError(f"no music beat falls inside the motion ({T} frames at {rate:g} "
                             "fps); check the beat times are in seconds from its start")
    src, dst = (kin, music) if over == "motion" else (music, kin)
    d = np.abs(src[:, None] - dst[None, :]).min(axis=1)
    return float(np.mean(np.exp(-(d ** 2) / (2.0 * width ** 2))))


def beat_coverage_hit_rate(motion: Motion | np.ndarray, music_beat_times: np.ndarray, *,
                           fps: float | None = None, protocol: str = "corrected",
                           tolerance: float = 0.1) -> tuple[float, float]:
    """Dancing to Music's beat coverage and beat hit rate (Lee et al., NeurIPS 2019).

    Coverage = kinematic beats / music beats; hit rate = kinematic beats within
    ``tolerance`` seconds of a music beat / kinematic beats. The authors did not publish
    their evaluation code or window; 0.1 s (six frames at 60 fps) is this package's choice.
    Only music beats inside the clip count. Hit rate is 0 for a motion without beats.
    """
    p, rate = positions_of(motion, fps)
    if tolerance < 0:
        raise ParameterError(f"tolerance must be >= 0 seconds, got {tolerance}")
    music = np.asarray(music_beat_times, dtype=np.float64).ravel()
    music = music[(music >= 0) & (music <= (p.shape[0] - 1) / rate)]
    if music.size == 0:
        raise ParameterError(f"no music beat falls inside the motion ({p.shape[0]} frames at "
                             f"{rate:g} fps)")
    kin = kinematic_beats(p, fps=rate, protocol=protocol)
    if kin.size == 0:
        return 0.0, 0.0
    hits = np.abs(kin[:, None] - music[None, :]).min(axis=1) <= tolerance + 1e-9
    return float(kin.size / music.size), float(hits.mean())
