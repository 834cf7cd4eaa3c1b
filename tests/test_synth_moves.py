"""The move library and the pose helpers: geometry, limits, mirroring, beat timing."""

from __future__ import annotations

import numpy as np
import pytest

from dancekit.motion.kinematics import forward_kinematics
from dancekit.motion.skeletons import SMPL24
from dancekit.synth import MOVES, STYLES, moves_for
from dancekit.synth.poses import (
    IDX,
    arm,
    leg,
    limit_violations,
    mirror_pose,
    pelvis,
    pose,
    torso,
)


def _fk(p: np.ndarray) -> np.ndarray:
    return forward_kinematics(p, np.zeros(3), SMPL24)


def test_pose_helpers_mean_what_they_say() -> None:
    """Body faces +z, left is +x, y up."""
    p = _fk(pose(arm("l", -90)))
    assert (p[IDX["left_wrist"]] - p[IDX["left_shoulder"]])[1] < -0.5   # arm hangs down
    p = _fk(pose(arm("r", 0, 90)))
    assert (p[IDX["right_wrist"]] - p[IDX["right_shoulder"]])[2] > 0.5  # right arm forward
    p = _fk(pose(leg("l", fwd=90)))
    assert (p[IDX["left_ankle"]] - p[IDX["left_hip"]])[2] > 0.75        # leg lifted forward
    p = _fk(pose(leg("r", out=45)))
    assert (p[IDX["right_ankle"]] - p[IDX["right_hip"]])[0] < -0.5      # right leg out (-x)
    rest = _fk(pose())
    bent = _fk(pose(leg("l", fwd=30, knee=60)))                          # foot stays level
    np.testing.assert_allclose(bent[IDX["left_foot"]] - bent[IDX["left_ankle"]],
                               rest[IDX["left_foot"]] - rest[IDX["left_ankle"]], atol=1e-9)
    assert _fk(pose(torso(bend=30)))[IDX["head"], 2] > 0.15             # bends forward
    p = _fk(pose(pelvis(roll=10)))
    assert p[IDX["right_hip"], 1] < p[IDX["left_hip"], 1]                # right hip drops


def test_library_size_and_coverage() -> None:
    assert len(MOVES) >= 40
    for style in STYLES:
        assert len(moves_for(style)) >= 6, style
    assert {"step_touch", "arm_wave", "body_roll", "pop_turn", "kick_step", "waltz_box",
            "cha_cha_basic", "port_de_bras"} <= set(MOVES)


@pytest.mark.parametrize("name", sorted(MOVES))
def test_every_move_is_well_formed(name: str) -> None:
    move = MOVES[name]
    keys = move.keys
    assert keys[0].beat == 0 and keys[-1].beat == move.beats
    assert all(a.beat < b.beat for a, b in zip(keys, keys[1:], strict=False))
    if not any(STYLES[s].travels for s in move.styles):
        # Back on the spot it started from, facing a whole number of turns.
        assert np.allclose(np.array(keys[-1].root)[[0, 2]], 0.0)
        assert keys[-1].yaw % 360 == 0
    assert limit_violations(np.stack([k.pose for k in keys])) == {}
    assert any(k.hit for k in keys[1:]), "a move needs accents"
    # Hits are accents: the body stops on them.
    s = move.sample(np.array([k.beat for k in keys if k.hit and 0 < k.beat < move.beats]))
    s2 = move.sample(np.array([k.beat + 1e-4 for k in keys if k.hit and 0 < k.beat < move.beats]))
    assert np.abs(s2["pose"] - s["pose"]).max() < 1e-6


def test_mirror_is_the_reflection_through_the_median_plane() -> None:
    move = MOVES["kick_step"]
    p = move.keys[1].pose
    pos = _fk(p)
    mirrored = _fk(mirror_pose(p))
    expected = pos[SMPL24.mirror_indices] * [-1, 1, 1]
    # The SMPL template is not exactly symmetric: allow its few millimetres of asymmetry.
    assert np.abs(mirrored - expected).max() < 0.03
    np.testing.assert_allclose(mirror_pose(mirror_pose(p)), p)
    twin = move.mirrored()
    assert twin.name == "kick_step~" and twin.keys[1].feet == "L"
    assert twin.mirrored().keys[1].feet == move.keys[1].feet


def test_limits_catch_a_bad_knee() -> None:
    bad = np.zeros((1, 24, 3))
    bad[0, IDX["left_knee"], 0] = -np.radians(30)      # bends forwards
    bad[0, IDX["right_elbow"]] = [0.0, 0.0, np.radians(200)]
    found = limit_violations(bad)
    assert "left_knee (hyperextended)" in found and "right_elbow" in found
