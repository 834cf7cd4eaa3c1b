"""How a dance uses the floor: root speed, the area it covers, and where it stands still.

Ballroom dancers travel (a waltz goes round the room), street and ballet dancers mostly stay
on a spot; a generated dance that stands frozen or shuffles in place reads as wrong however
good its poses are. The root path is read every ``STEP_S`` seconds so the millimetre tremor
of motion capture and the sway inside a step do not count as travel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion

STEP_S = 0.2


@dataclass(frozen=True)
class Travel:
    """``root_speed`` m/s along the root's floor path, ``per_minute`` metres of that path a
    minute, ``extent`` the diagonal (m) of the floor rectangle the root visits, ``turned``
    the range (degrees) the heading sweeps (360 and more once the dancer has turned round
    completely; hip twists that come back do not add up), and ``freezes`` how many
    times every joint stays slower than the still speed for longer than the still time."""

    root_speed: float
    per_minute: float
    extent: float
    turned: float
    freezes: int


def travel(motion: Motion, *, still_speed: float = 0.05, still_seconds: float = 2.0) -> Travel:
    """Floor use of a 3D ``motion`` (y up; joint 0 the root; hips named on the skeleton give
    the heading, else heading change is 0)."""
    if motion.is_2d:
        raise ParameterError("travel needs a 3D motion")
    if still_speed <= 0 or still_seconds <= 0:
        raise ParameterError(f"still_speed and still_seconds must be positive, got "
                             f"{still_speed}, {still_seconds}")
    p = motion.positions.astype(np.float64)
    t = np.arange(motion.num_frames) / motion.fps
    ticks = np.append(np.arange(0.0, t[-1], STEP_S), t[-1])
    path = np.stack([np.interp(ticks, t, p[:, 0, k]) for k in (0, 2)], axis=1)
    length = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())
    seconds = max(float(ticks[-1]), 1e-9)
    extent = float(np.linalg.norm(np.ptp(path, axis=0)))
    return Travel(length / seconds, 60 * length / seconds, extent,
                  _turned(motion, t, ticks), _freezes(p, motion.fps, still_speed,
                                                      still_seconds))


def _turned(motion: Motion, t: np.ndarray, ticks: np.ndarray) -> float:
    names = list(motion.skeleton.joints)
    if "left_hip" not in names or "right_hip" not in names:
        return 0.0
    across = motion.positions[:, names.index("left_hip")] - motion.positions[
        :, names.index("right_hip")]
    # The body faces along up x (left - right) = (z, -x) on the floor.
    angle = np.unwrap(np.arctan2(across[:, 2], -across[:, 0]).astype(np.float64))
    sampled = np.interp(ticks, t, angle)
    return float(np.degrees(np.ptp(sampled)))


def _freezes(p: np.ndarray, fps: float, still_speed: float, still_seconds: float) -> int:
    speed = np.linalg.norm(np.diff(p, axis=0), axis=-1).max(axis=1) * fps
    still = np.concatenate([[0], (speed < still_speed).astype(np.int8), [0]])
    edges = np.diff(still)
    runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    return int(np.sum(runs / fps > still_seconds))
