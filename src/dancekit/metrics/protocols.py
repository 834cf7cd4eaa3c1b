"""Protocol names and the input checks every metric shares.

A *protocol* selects whose arithmetic a metric follows:

``"bailando"``
    Bailando's evaluation scripts (lisiyao21/Bailando): AIST++ API features of generated clips
    on their first 1200 frames, of real clips on every frame, after moving the root's first
    position to the origin in float32; Bailando's Beat Align Score on a float32 envelope.
``"fact"`` (alias ``"aistpp"``)
    The AIST++ API feature extractors on the positions as given, FACT's Fréchet distance and
    FACT's Beat Align Score (google-research/mint, liruilong940607/mint).
``"aistpp-prefix"``
    As ``"fact"`` but with the AIST++ API's geometric features as they were before the commit
    that fixed the joint-name order (e751b37), which early papers may have used.
``"corrected"``
    The same quantities with the published flaws removed: the motion's true frame rate instead
    of hard-coded 1/60 s and 1/120 s, translation-invariant acceleration, the intended moving
    joint in the "move" relations, beat-alignment widths in seconds. See ``docs/metrics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion

PROTOCOLS = ("bailando", "fact", "aistpp-prefix", "corrected")
_ALIASES = {"aistpp": "fact", "aistpp_prefix": "aistpp-prefix"}

#: Frame rate the published feature and beat code assumes without asking (AIST++ is 60 fps).
PUBLISHED_FPS = 60.0


def check_protocol(protocol: str) -> str:
    """Canonical protocol name; :class:`ParameterError` naming the choices otherwise."""
    name = _ALIASES.get(protocol, protocol)
    if name not in PROTOCOLS:
        raise ParameterError(
            f"unknown protocol {protocol!r} (choose one of {', '.join(PROTOCOLS)})")
    return name


def positions_of(motion: Motion | np.ndarray, fps: float | None = None,
                 *, dims: tuple[int, ...] = (2, 3)) -> tuple[np.ndarray, float]:
    """Positions as float64 (T, J, D) and the frame rate, from a Motion or a bare array.

    A bare array takes ``fps`` (default 60, the AIST++ rate the published scripts assume);
    a Motion brings its own and ``fps`` must then be ``None`` or agree with it.
    """
    if isinstance(motion, Motion):
        if fps is not None and abs(float(fps) - motion.fps) > 1e-9:
            raise ParameterError(f"fps={fps} disagrees with the motion's own {motion.fps}")
        pos, rate = motion.positions, motion.fps
    else:
        pos = np.asarray(motion)
        rate = PUBLISHED_FPS if fps is None else float(fps)
        if pos.ndim != 3 or pos.shape[-1] not in (2, 3):
            raise ParameterError(
                f"positions must have shape (frames, joints, 3) or (frames, joints, 2), "
                f"got {pos.shape}")
        if not np.issubdtype(pos.dtype, np.number) or not np.isfinite(pos).all():
            raise ParameterError("positions must be finite numbers")
        if not np.isfinite(rate) or rate <= 0:
            raise ParameterError(f"fps must be positive, got {fps}")
    if pos.shape[-1] not in dims:
        raise ParameterError(f"this metric needs {' or '.join(map(str, dims))}D positions, "
                             f"got {pos.shape[-1]}D")
    return np.asarray(pos, dtype=np.float64), float(rate)


def require_frames(pos: np.ndarray, n: int, what: str) -> None:
    """Refuse clips too short for a finite-difference metric, naming the minimum."""
    if pos.shape[0] < n:
        raise ParameterError(f"{what} needs at least {n} frames, got {pos.shape[0]}")


@dataclass(frozen=True)
class Preparation:
    """What a protocol does to a clip before any metric's arithmetic.

    The published scripts read motions as float32 arrays and keep that precision through the
    root translation and the beat envelope; rounding there moves a geometric relation across
    its threshold or makes two neighbouring envelope values equal (a plateau, which is no
    strict minimum), so reproducing their numbers needs the same precision, not more.
    """

    #: Frames of a generated clip its features see (``None``: all).
    generated_frames: int | None = None
    #: Frames of a real clip its features see (``None``: all).
    real_frames: int | None = None
    #: Translate the clip so that the root's first position is the origin before features.
    zero_root: bool = False
    #: Precision of the positions for root translation and the kinematic-beat envelope.
    dtype: type[np.floating] = np.float64


# Bailando cuts its generated dances at 1200 frames (metrics_new.calc_and_save_feats); its
# real-set features ("aist_features_zero_start") were saved from whole clips.
_PREPARATION = {"bailando": Preparation(generated_frames=1200, zero_root=True,
                                        dtype=np.float32)}


def preparation(protocol: str) -> Preparation:
    """The :class:`Preparation` of ``protocol`` (plain float64, whole clips, if it has none)."""
    return _PREPARATION.get(check_protocol(protocol), Preparation())


def feature_positions(positions: np.ndarray, protocol: str, *, real: bool) -> np.ndarray:
    """``positions`` (T, J, 3) as ``protocol`` hands them to the feature extractors, float64.

    ``real`` says whether the clip belongs to the real (ground-truth) set, which some
    protocols cut differently from generated clips.
    """
    prep = preparation(protocol)
    frames = prep.real_frames if real else prep.generated_frames
    pos = np.asarray(positions).astype(prep.dtype)[:frames]
    if prep.zero_root:
        pos = pos - pos[:1, :1]
    return pos.astype(np.float64)
