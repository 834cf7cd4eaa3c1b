"""Beat easing (dancekit.motion.beat_ease): slower on the beat, faster between, poses kept."""

from __future__ import annotations

import numpy as np
import pytest

from dancekit import Motion, ParameterError
from dancekit.io import load_motion
from dancekit.metrics.beats import beat_speed_ratio
from dancekit.motion import ease_to_beats, time_to_beats
from dancekit.motion.beat_ease import MAX_STRENGTH

FPS = 60.0
BEATS = np.arange(0.5, 8.0, 0.5)  # 120 BPM, every beat on a frame


def gliding(seconds: float = 8.0) -> Motion:
    """A body gliding along x at 1 m/s: no slow-down anywhere."""
    t = np.arange(int(seconds * FPS)) / FPS
    pos = np.zeros((t.size, 24, 3), np.float32)
    pos[:, :, 0] = t[:, None]
    pos[:, :, 1] = np.linspace(0.0, 1.7, 24)
    return Motion(pos, FPS, "smpl24")


def test_easing_slows_on_every_beat_and_keeps_each_beat_in_place():
    motion = gliding()
    eased = ease_to_beats(motion, BEATS, strength=0.3)
    assert eased.num_frames == motion.num_frames and eased.fps == motion.fps
    on_beat = np.rint(BEATS * FPS).astype(int)
    # the pose at each beat is the one the dance had there; so is every beat's distance
    np.testing.assert_allclose(eased.positions[on_beat], motion.positions[on_beat], atol=1e-5)
    speed = np.linalg.norm(np.gradient(eased.positions[:, 0], axis=0), axis=-1) * FPS
    mid = on_beat[:-1] + 15
    assert speed[on_beat[1:-1]] == pytest.approx(0.7, abs=0.01)  # 1 - a on the beat
    assert speed[mid[1:]] == pytest.approx(1.3, abs=0.01)  # 1 + a half-way
    assert beat_speed_ratio(eased, BEATS) < beat_speed_ratio(motion, BEATS) - 0.1
    assert eased.meta["beat_ease"]["strength"] == 0.3


def test_default_strength_reaches_the_target_within_the_cap():
    motion = gliding()
    capped = ease_to_beats(motion, BEATS)  # an even glide needs more than the cap allows
    assert capped.meta["beat_ease"]["strength"] == MAX_STRENGTH
    assert capped.meta["beat_ease"]["beat_speed_before"] == pytest.approx(1.0, abs=0.01)
    free = ease_to_beats(motion, BEATS, target=0.62, max_strength=0.9)
    assert MAX_STRENGTH < free.meta["beat_ease"]["strength"] < 0.9
    assert beat_speed_ratio(free, BEATS) == pytest.approx(0.62, abs=0.03)


def test_a_dance_that_already_slows_on_the_beat_is_left_alone():
    t = np.arange(int(8 * FPS)) / FPS
    pos = np.zeros((t.size, 24, 3), np.float32)
    u = (t * 2) % 1.0  # a step every beat, eased in and out: speed 0 on every beat
    pos[:, :, 0] = (np.floor(t * 2) + u * u * (3 - 2 * u))[:, None]
    motion = Motion(pos, FPS, "smpl24")
    eased = time_to_beats(motion, BEATS, warp=False)
    assert eased.meta["beat_ease"]["strength"] == 0.0
    np.testing.assert_array_equal(eased.positions, motion.positions)


def test_real_dance_keeps_its_skeleton_and_slows_on_the_beat(bvh_file):
    """A real capture (Bandai Namco BVH) against a 100 BPM grid it was not danced to."""
    motion = load_motion(bvh_file)
    motion = motion[: int(20 * motion.fps)]
    beats = np.arange(0.3, 20.0, 0.6)
    eased = ease_to_beats(motion, beats, strength=0.35)
    assert eased.num_frames == motion.num_frames and eased.rotations is not None
    assert beat_speed_ratio(eased, beats) < beat_speed_ratio(motion, beats) - 0.1
    for p, c in motion.skeleton.bones[:5]:
        before = np.linalg.norm(motion.positions[:, c] - motion.positions[:, p], axis=-1)
        after = np.linalg.norm(eased.positions[:, c] - eased.positions[:, p], axis=-1)
        np.testing.assert_allclose(after, before.mean(), rtol=1e-3, atol=1e-4)


def test_too_few_beats_change_nothing_and_bad_settings_are_clear_errors():
    motion = gliding()
    same = ease_to_beats(motion, np.array([1.0]))
    assert same.meta["beat_ease"]["strength"] == 0.0
    np.testing.assert_array_equal(same.positions, motion.positions)
    with pytest.raises(ParameterError, match="strength"):
        ease_to_beats(motion, BEATS, strength=1.0)
    with pytest.raises(ParameterError, match="target"):
        ease_to_beats(motion, BEATS, target=0.0)
    with pytest.raises(ParameterError, match="finite"):
        ease_to_beats(motion, np.array([1.0, np.inf]))
