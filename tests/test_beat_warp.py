"""Beat warping (dancekit.motion.beat_warp): slow-downs moved onto beats, nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from dancekit import Motion, ParameterError
from dancekit.io import load_motion
from dancekit.metrics.beats import beat_align_score, kinematic_beats
from dancekit.motion.beat_warp import _limit_rate, warp_to_beats


def swinging(lag: float, seconds: float = 8.0, fps: float = 30.0) -> Motion:
    """A body swinging at 120 BPM whose turns (speed zero) come ``lag`` s after each beat of
    a grid starting at 0.5 s."""
    t = np.arange(int(seconds * fps)) / fps
    x = np.cos(2 * np.pi * (t - 0.5 - lag) / 1.0)  # turns every 0.5 s, at 0.5 + lag + k/2
    pos = np.zeros((t.size, 24, 3), np.float32)
    pos[:, :, 0] = x[:, None]
    pos[:, :, 1] = np.linspace(0.0, 1.7, 24)
    return Motion(pos, fps, "smpl24")


BEATS = np.arange(0.5, 8.0, 0.5)


def test_slow_downs_land_on_the_beats():
    late = swinging(0.1)
    assert beat_align_score(late, BEATS) < 0.2
    warped = warp_to_beats(late, BEATS)
    assert warped.num_frames == late.num_frames and warped.fps == late.fps
    kin = kinematic_beats(warped)
    inner = kin[(kin > 1.0) & (kin < 7.0)]
    assert np.abs(inner[:, None] - BEATS[None]).min(axis=1).max() <= 1.5 / 30
    assert beat_align_score(warped, BEATS) > 0.8
    assert warped.meta["beat_warp"]["moved"] >= 12


def test_what_is_out_of_reach_is_left_alone():
    """Turns half a beat away could go either way: nothing is moved and nothing changes."""
    off = swinging(0.25)
    warped = warp_to_beats(off, BEATS, reach=0.3)
    assert warped.meta["beat_warp"]["moved"] == 0
    np.testing.assert_allclose(warped.positions, off.positions, atol=1e-6)


def test_rate_limit_drops_the_pairs_that_would_rush():
    # a slow-down 0.3 s late right after one 0.2 s early: 0.5 s of motion in 0.1 s of music
    anchors = [(0.0, 0.0), (1.0, 0.8), (1.1, 1.4), (2.0, 2.0), (4.0, 4.0)]
    kept = _limit_rate(anchors, 1.35)
    assert kept[0] == (0.0, 0.0) and kept[-1] == (4.0, 4.0)
    for (d0, s0), (d1, s1) in zip(kept, kept[1:], strict=False):
        assert 1 / 1.35 <= (s1 - s0) / (d1 - d0) <= 1.35


def test_real_dance_keeps_its_skeleton_and_gets_on_the_beat(bvh_file):
    """A real capture (Bandai Namco BVH) against a 100 BPM grid it was not danced to: the
    warp raises the Beat Align Score, keeps rotations, bone lengths and the length."""
    motion = load_motion(bvh_file)
    motion = motion[: int(20 * motion.fps)]
    beats = np.arange(0.3, 20.0, 0.6)
    warped = warp_to_beats(motion, beats)
    assert warped.num_frames == motion.num_frames and warped.rotations is not None
    assert beat_align_score(warped, beats) > beat_align_score(motion, beats) + 0.1
    bone = [np.linalg.norm(m.positions[:, c] - m.positions[:, p], axis=-1)
            for m in (motion, warped) for p, c in motion.skeleton.bones[:5]]
    for before, after in zip(bone[:5], bone[5:], strict=True):
        np.testing.assert_allclose(after, before.mean(), rtol=1e-3, atol=1e-4)
    info = warped.meta["beat_warp"]
    assert info["moved"] > 5 and info["max_shift"] <= 0.3 * 0.6 + 1e-6


def test_bad_settings_are_clear_errors():
    m = swinging(0.1)
    with pytest.raises(ParameterError, match="reach"):
        warp_to_beats(m, BEATS, reach=0.8)
    with pytest.raises(ParameterError, match="max_rate"):
        warp_to_beats(m, BEATS, max_rate=1.0)
    with pytest.raises(ParameterError, match="finite"):
        warp_to_beats(m, np.array([1.0, np.nan]))


def test_the_time_map_is_scipys_pchip(bvh_file) -> None:
    # The warp's monotone cubic is written in numpy (scipy.interpolate takes 0.26 s to
    # import); it must be the curve scipy's PchipInterpolator draws through the same anchors,
    # here those of a real capture warped onto a beat grid, and through awkward ones.
    from scipy.interpolate import PchipInterpolator

    from dancekit.motion.beat_warp import _match, pchip
    from dancekit.motion.speed import slow_downs

    motion = load_motion(bvh_file)
    end = (motion.num_frames - 1) / motion.fps
    beats = np.arange(0.25, end, 0.5)
    anchors = _limit_rate([(0.0, 0.0), *_match(slow_downs(motion), beats, 0.3), (end, end)],
                          1.35)
    assert len(anchors) > 4
    rng = np.random.default_rng(0)
    cases = [tuple(np.array(a) for a in zip(*anchors, strict=True)),
             (np.array([0.0, 1.0]), np.array([0.0, 2.0])),
             (np.array([0.0, 1.0, 1.5, 4.0, 4.1]), np.array([1.0, 0.0, 0.0, 3.0, -2.0])),
             (np.sort(rng.uniform(0, 9, 30)), rng.normal(size=30))]
    for x, y in cases:
        at = np.linspace(x[0] - 0.2, x[-1] + 0.2, 1001)
        np.testing.assert_allclose(pchip(x, y, at), PchipInterpolator(x, y)(at), rtol=0,
                                   atol=1e-11)
