"""Skeleton mappings and retargeting."""

from __future__ import annotations

import numpy as np
import pytest

from dancekit import Motion, ParameterError, get_skeleton
from dancekit.io import load_motion
from dancekit.motion.mapping import get_mapping, mapping_path, retarget
from dancekit.motion.rotations import axis_angle_to_matrix


def bone(m, a, b):
    sk = m.skeleton
    return np.linalg.norm(m.positions[:, sk.index(a)] - m.positions[:, sk.index(b)], axis=-1)


def test_ballroom_to_smpl_is_a_plausible_body(ballroom_dir):
    src = load_motion(ballroom_dir / "DANCE_C_2")
    m = retarget(src, "smpl24")
    assert m.skeleton.name == "smpl24" and m.num_frames == src.num_frames and m.fps == 25
    assert "pelvis" in m.meta["approximated_joints"]
    assert "left_knee" not in m.meta["approximated_joints"]
    assert m.meta["retargeted_from"] == "ballroom23" and m.meta["genre"] == "cha-cha"
    ranges = {("left_hip", "left_knee"): (0.35, 0.6), ("left_knee", "left_ankle"): (0.25, 0.5),
              ("left_shoulder", "left_elbow"): (0.2, 0.4), ("pelvis", "neck"): (0.35, 0.65),
              ("neck", "head"): (0.03, 0.2), ("left_ankle", "left_foot"): (0.08, 0.2),
              ("left_hip", "right_hip"): (0.12, 0.3)}
    for (a, b), (lo, hi) in ranges.items():
        assert lo < np.median(bone(m, a, b)) < hi, (a, b)
        mirrored = tuple(n.replace("left_", "right_") for n in (a, b))
        if mirrored[0] == mirrored[1] or mirrored == (a, b):
            continue
        assert lo < np.median(bone(m, *mirrored)) < hi, mirrored
    # left stays left: the SMPL left joints lie on the ballroom left side
    ssk, bsk = m.skeleton, src.skeleton
    across = src.positions[:, bsk.index("left_hip")] - src.positions[:, bsk.index("right_hip")]
    for part in ("collar", "shoulder", "hip"):
        d = m.positions[:, ssk.index(f"left_{part}")] - m.positions[:, ssk.index(f"right_{part}")]
        assert (np.sum(d * across, axis=-1) > 0).all(), part
    # feet cross in some steps, so compare with the ballroom feet instead of the hips
    lf = m.positions[:, ssk.index("left_foot")]
    to_left = np.linalg.norm(lf - src.positions[:, bsk.index("left_toe")], axis=-1)
    to_right = np.linalg.norm(lf - src.positions[:, bsk.index("right_toe")], axis=-1)
    assert (to_left < to_right).all()
    # the trunk goes up in order
    y = m.positions[..., 1].mean(0)
    order = ["pelvis", "spine1", "spine2", "spine3", "neck", "head"]
    heights = [y[ssk.index(n)] for n in order]
    assert heights == sorted(heights)


def test_mappings_are_affine_so_they_commute_with_rigid_motion(rng):
    for src, dst in [("ballroom23", "smpl24"), ("smpl24", "coco17"), ("smpl24", "body25"),
                     ("mediapipe33", "coco17"), ("mediapipe33", "body25"),
                     ("coco17", "body25"), ("body25", "coco17"), ("ballroom23", "coco17")]:
        J = get_skeleton(src).num_joints
        m = Motion(rng.normal(size=(4, J, 3)), 30, src)
        R = axis_angle_to_matrix(rng.normal(size=3))
        t = rng.normal(size=3)
        moved = m.replace(positions=m.positions @ R.T + t)
        np.testing.assert_allclose(retarget(moved, dst).positions,
                                   retarget(m, dst).positions @ R.T + t, atol=1e-5)


def test_mediapipe_to_coco_and_body25(rng):
    mp = get_skeleton("mediapipe33")
    m = Motion(rng.uniform(0, 500, (5, 33, 2)), 30, mp, confidence=rng.uniform(0, 1, (5, 33)))
    coco = retarget(m, "coco17")
    for name in coco.skeleton.joints:
        np.testing.assert_allclose(coco.positions[:, coco.skeleton.index(name)],
                                   m.positions[:, mp.index(name)], rtol=1e-6)
    b = retarget(m, "body25")
    bs = b.skeleton
    mid = (m.positions[:, mp.index("left_shoulder")] + m.positions[:, mp.index("right_shoulder")])
    np.testing.assert_allclose(b.positions[:, bs.index("neck")], mid / 2, rtol=1e-5)
    np.testing.assert_allclose(b.positions[:, bs.index("right_heel")],
                               m.positions[:, mp.index("right_heel")], rtol=1e-6)
    np.testing.assert_allclose(b.positions[:, bs.index("left_big_toe")],
                               m.positions[:, mp.index("left_foot_index")], rtol=1e-6)
    # a midpoint is only as confident as its least confident source
    conf = np.minimum(m.confidence[:, mp.index("left_hip")], m.confidence[:, mp.index("right_hip")])
    np.testing.assert_allclose(b.confidence[:, bs.index("mid_hip")], conf)


def test_coco_to_body25_marks_feet_missing(aist2d_dir):
    m = load_motion(aist2d_dir / "gBR_sBM_cAll_d04_mBR0_ch03.pkl")
    b = retarget(m, "body25")
    bs = b.skeleton
    for name in ("left_big_toe", "right_small_toe", "left_heel"):
        assert (b.confidence[:, bs.index(name)] == 0).all()
    assert (b.confidence[:, bs.index("neck")] > 0).mean() > 0.9
    assert b.is_2d and np.isfinite(b.positions).all()


def test_smpl_to_coco_face_is_near_the_head(rng):
    rot = rng.normal(0, 0.2, (20, 24, 3))
    m = Motion.from_rotations(rot, np.tile([0, 0.9, 0], (20, 1)), fps=30)
    c = retarget(m, "coco17")
    cs, ss = c.skeleton, m.skeleton
    head = m.positions[:, ss.index("head")]
    for name in ("nose", "left_eye", "right_eye", "left_ear", "right_ear"):
        assert np.linalg.norm(c.positions[:, cs.index(name)] - head, axis=-1).max() < 0.12
    # in the rest pose the left eye and ear are on the left (+x)
    rest = Motion.from_rotations(np.zeros((1, 24, 3)), np.zeros((1, 3)), fps=30)
    rc = retarget(rest, "coco17")
    assert rc.positions[0, cs.index("left_ear"), 0] > 0.05 > -0.05 > rc.positions[
        0, cs.index("right_ear"), 0]
    np.testing.assert_allclose(c.positions[:, cs.index("left_knee")],
                               m.positions[:, ss.index("left_knee")])


def test_paths_and_unknown_mappings():
    assert mapping_path("ballroom23", "coco17") == ["ballroom23", "smpl24", "coco17"]
    assert mapping_path("smpl24", "body25") == ["smpl24", "body25"]
    w = get_mapping("coco17", "body25").weights
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert mapping_path("body25", "smpl24") == ["body25", "coco17", "smpl24"]
    with pytest.raises(ParameterError, match="no skeleton mapping from 'smpl24' to "
                                             "'mediapipe33'"):
        get_mapping("smpl24", "mediapipe33")
    m = Motion(np.zeros((2, 24, 3)), 30, "smpl24")
    assert retarget(m, "smpl24") is m


def test_coco_to_smpl_puts_the_trunk_where_the_template_has_it():
    """SMPL -> COCO -> SMPL: joints COCO has come back exactly, the trunk joints COCO lacks
    within 3 cm of the template's (its spine curves; the mapping's trunk is straight), and
    the feet are missing."""
    rest = Motion.from_rotations(np.zeros((1, 24, 3)), np.zeros((1, 3)), fps=30)
    back = retarget(retarget(rest, "coco17"), "smpl24")
    sk = back.skeleton
    err = dict(zip(sk.joints, np.linalg.norm(back.positions[0] - rest.positions[0], axis=-1),
                   strict=True))
    for name in ("left_hip", "right_knee", "left_ankle", "right_shoulder", "left_wrist"):
        assert err[name] < 1e-6
    for name in ("pelvis", "spine1", "spine2", "spine3", "neck", "left_collar", "right_collar",
                 "head", "left_hand", "right_hand"):
        assert err[name] < 0.03, (name, err[name])
    assert back.confidence[0, sk.index("left_foot")] == 0
    assert back.confidence[0, sk.index("pelvis")] == 1
