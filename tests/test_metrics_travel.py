"""Floor use (dancekit.metrics.travel) on real ballroom capture and on motions whose answer
is known by construction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dancekit.errors import ParameterError
from dancekit.io import load_ballroom
from dancekit.metrics.travel import travel
from dancekit.motion import Motion


def test_a_real_cha_cha_travels_the_floor(ballroom_dir: Path) -> None:
    t = travel(load_ballroom(ballroom_dir / "DANCE_C_2"))
    assert 0.3 < t.root_speed < 0.8 and t.per_minute == pytest.approx(60 * t.root_speed)
    assert t.extent > 3.0 and t.turned > 360 and t.freezes == 0


def test_known_walks_turns_and_freezes() -> None:
    fps, T = 30.0, 300                                   # 10 s
    p = np.zeros((T, 24, 3), np.float32)
    p[:, 1, 0], p[:, 2, 0] = 0.1, -0.1                   # hips: facing +z
    walk = p.copy()
    walk[:, :, 2] += (np.arange(T) / fps * 0.5)[:, None]  # 0.5 m/s forward
    t = travel(Motion(walk, fps, "smpl24"))
    assert t.root_speed == pytest.approx(0.5, rel=1e-3)
    assert t.extent == pytest.approx(0.5 * (T - 1) / fps, rel=0.02)
    assert t.turned == pytest.approx(0.0, abs=1e-6) and t.freezes == 0
    still = Motion(p, fps, "smpl24")                     # 10 s standing: one freeze
    assert travel(still).freezes == 1 and travel(still).root_speed == 0
    assert travel(still, still_seconds=20).freezes == 0
    spin = p.copy()
    a = np.radians(np.linspace(0, 270, T))               # three quarters of a turn
    spin[:, 1, 0], spin[:, 1, 2] = 0.1 * np.cos(a), -0.1 * np.sin(a)
    spin[:, 2] = -spin[:, 1]
    assert travel(Motion(spin, fps, "smpl24")).turned == pytest.approx(270, abs=1)
    with pytest.raises(ParameterError, match="3D"):
        travel(Motion(np.zeros((5, 17, 2)), 30, "coco17"))
    with pytest.raises(ParameterError, match="positive"):
        travel(still, still_speed=0)
