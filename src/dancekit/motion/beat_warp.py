"""Beat warping: move a dance's own slow-downs onto the music's beats by a gentle time warp.

Dancing to Music (Lee et al., NeurIPS 2019) ends its pipeline with a *beat warper*: generated
movement is re-timed so its kinematic beats meet the music's. Here the same idea works on any
:class:`~dancekit.motion.Motion`: its kinematic beats (local minima of body speed, the Beat
Align Score's definition) are matched one-to-one, in order, to the nearest music beats within
``reach`` beats, and a monotone smooth time map (PCHIP through the matched pairs) re-times the
motion so each matched slow-down lands on its beat. The map's local rate is kept within
``1 / max_rate`` to ``max_rate`` (anchors that would need more are dropped), so no move is
visibly rushed or slowed, and the dance keeps its length and its moves; only their timing
changes. Nothing is invented: a motion whose slow-downs are far from every beat is left as it
is there.
"""

from __future__ import annotations

import bisect

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion
from dancekit.motion.processing import retime
from dancekit.motion.speed import slow_downs


def warp_to_beats(motion: Motion, beat_times: np.ndarray, *, reach: float = 0.3,
                  max_rate: float = 1.35) -> Motion:
    """Re-time ``motion`` so its kinematic beats fall on ``beat_times`` (seconds).

    Parameters
    ----------
    motion : Motion
        Any skeleton, 3D or 2D; rotations are slerped and positions recomputed by FK.
    beat_times : ndarray (B,)
        The music's beats in seconds from the motion's first frame.
    reach : float
        Largest shift of one slow-down, as a fraction of the local beat period.
    max_rate : float > 1
        Largest local speed-up (and ``1 / max_rate`` the largest slow-down) of the warp.

    Returns
    -------
    Motion
        Same length, fps and skeleton; ``meta["beat_warp"]`` holds how many slow-downs were
        moved onto a beat and the largest shift in seconds.
    """
    if not 0 < reach <= 0.5:
        raise ParameterError(f"reach must be in (0, 0.5] beats, got {reach}")
    if not max_rate > 1:
        raise ParameterError(f"max_rate must be above 1, got {max_rate}")
    beats = beats_inside(motion, beat_times)
    end = (motion.num_frames - 1) / motion.fps
    beats = beats[(beats > 0) & (beats < end)]
    if motion.num_frames < 3 or beats.size < 2:
        return motion.replace(meta={**motion.meta, "beat_warp": {"moved": 0, "max_shift": 0.0}})
    pairs = _match(slow_downs(motion), beats, reach)
    anchors = _limit_rate([(0.0, 0.0), *pairs, (end, end)], max_rate)
    dst, src = (np.array(a) for a in zip(*anchors, strict=True))
    times = pchip(dst, src, np.arange(motion.num_frames) / motion.fps)
    out = retime(motion, np.clip(times, 0.0, end))
    shifts = np.abs(dst - src)
    info = {"moved": len(anchors) - 2, "max_shift": round(float(shifts.max()), 4)}
    return out.replace(meta={**motion.meta, "beat_warp": info})


def beats_inside(motion: Motion, beat_times: np.ndarray) -> np.ndarray:
    """The distinct beats (s) within the motion's span, sorted; a clear error for NaN or inf
    (re-timing a dance onto broken beats would silently scramble it)."""
    beats = np.unique(np.asarray(beat_times, dtype=np.float64).ravel())
    if not np.isfinite(beats).all():
        raise ParameterError("beat times must be finite numbers")
    return beats[(beats >= 0) & (beats <= (motion.num_frames - 1) / motion.fps)]


def _match(kin: np.ndarray, beats: np.ndarray, reach: float) -> list[tuple[float, float]]:
    """(music beat, kinematic beat) pairs: closest first, each used once, never crossing."""
    period = np.gradient(beats)
    candidates = []
    for k in kin:
        j = int(np.argmin(np.abs(beats - k)))
        if abs(beats[j] - k) <= reach * period[j]:
            candidates.append((abs(beats[j] - k), beats[j], k))
    taken_b: list[float] = []
    taken_k: list[float] = []  # kept sorted together with taken_b (the pairs never cross)
    for _, b, k in sorted(candidates):
        i = bisect.bisect_left(taken_b, b)
        if i < len(taken_b) and taken_b[i] == b:
            continue
        if (i > 0 and taken_k[i - 1] >= k) or (i < len(taken_k) and taken_k[i] <= k):
            continue
        taken_b.insert(i, b)
        taken_k.insert(i, k)
    return list(zip(taken_b, taken_k, strict=True))


def _limit_rate(anchors: list[tuple[float, float]],
                max_rate: float) -> list[tuple[float, float]]:
    """Drop matched pairs (never the two ends) until every stretch between neighbours plays
    at a rate within ``[1 / max_rate, max_rate]``; the pair moved furthest goes first."""
    anchors = list(anchors)
    while True:
        bad = set()
        for i in range(len(anchors) - 1):
            (d0, s0), (d1, s1) = anchors[i], anchors[i + 1]
            rate = (s1 - s0) / (d1 - d0) if d1 > d0 else np.inf
            if not 1 / max_rate <= rate <= max_rate:
                bad.update(j for j in (i, i + 1) if 0 < j < len(anchors) - 1)
        if not bad:
            return anchors
        worst = max(bad, key=lambda j: abs(anchors[j][0] - anchors[j][1]))
        del anchors[worst]


def pchip(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The monotone piecewise cubic through (``x``, ``y``) (``x`` increasing, two points or
    more) at ``at``: Fritsch and Carlson's PCHIP, as scipy's ``PchipInterpolator`` makes it
    (the same slopes: weighted harmonic means inside, the shape-preserving three-point
    formula at the ends), without importing scipy.interpolate (0.26 s)."""
    h = np.diff(x)
    delta = np.diff(y) / h
    if len(x) == 2:
        slopes = np.full(2, delta[0])
    else:
        m0, m1 = delta[:-1], delta[1:]
        w1, w2 = 2 * h[1:] + h[:-1], h[1:] + 2 * h[:-1]
        flat = (np.sign(m0) != np.sign(m1)) | (m0 == 0) | (m1 == 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            inner = (w1 + w2) / (w1 / m0 + w2 / m1)
        slopes = np.concatenate([[_end_slope(h[0], h[1], delta[0], delta[1])],
                                 np.where(flat, 0.0, inner),
                                 [_end_slope(h[-1], h[-2], delta[-1], delta[-2])]])
    k = np.clip(np.searchsorted(x, at, side="right") - 1, 0, len(x) - 2)
    t, step = at - x[k], h[k]
    c2 = (3 * delta[k] - 2 * slopes[k] - slopes[k + 1]) / step
    c3 = (slopes[k] + slopes[k + 1] - 2 * delta[k]) / (step * step)
    return ((c3 * t + c2) * t + slopes[k]) * t + y[k]


def _end_slope(h0: float, h1: float, m0: float, m1: float) -> float:
    """PCHIP's slope at an end: the three-point estimate, kept from overshooting."""
    d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    if np.sign(d) != np.sign(m0):
        return 0.0
    if np.sign(m0) != np.sign(m1) and abs(d) > 3 * abs(m0):
        return 3 * m0
    return d
