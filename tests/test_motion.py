"""The Motion type, skeletons, rotations and kinematics."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dancekit import Motion, ParameterError, get_skeleton
from dancekit.motion import (
    foot_contacts,
    forward_kinematics,
    kinematics_torch,
    normalize_root,
    resample,
    rest_pose,
    rotations,
    rotations_torch,
    smooth,
)
from dancekit.motion.processing import level_floor
from dancekit.motion.skeletons import list_skeletons


def random_motion(rng, T=60, fps=30.0, scale=0.4):
    rot = rng.normal(0, scale, (T, 24, 3))
    root = np.cumsum(rng.normal(0, 0.01, (T, 3)), axis=0) + [0, 0.9, 0]
    return Motion.from_rotations(rot, root, fps=fps)


def test_registry_has_the_required_skeletons():
    for name in ("smpl24", "coco17", "body25", "mediapipe33", "ballroom23"):
        assert name in list_skeletons()
    assert get_skeleton("smpl24").num_joints == 24
    assert get_skeleton("coco17").num_joints == 17
    assert get_skeleton("body25").num_joints == 25
    assert get_skeleton("mediapipe33").num_joints == 33
    with pytest.raises(ParameterError, match="unknown skeleton"):
        get_skeleton("nope")


def test_smpl_rest_pose_is_a_standing_human():
    sk = get_skeleton("smpl24")
    p = rest_pose(sk)
    head, lank, rank = p[sk.index("head")], p[sk.index("left_ankle")], p[sk.index("right_ankle")]
    # pelvis about 0.9 m above the ankles, head about 0.6 m above the pelvis (SMPL template)
    assert 0.85 < -lank[1] < 0.95 and 0.85 < -rank[1] < 0.95
    assert 0.55 < head[1] < 0.7
    # left side at +x in the SMPL rest pose (facing +z)
    assert p[sk.index("left_hip"), 0] > 0 > p[sk.index("right_hip"), 0]
    assert p[sk.index("left_wrist"), 0] > 0.6  # T-pose arms
    # FK of the rest pose places each joint at the summed offsets along its chain
    j = sk.index("left_wrist")
    chain, total = j, np.zeros(3)
    while chain >= 0:
        total += sk.offsets[chain]
        chain = sk.parents[chain]
    np.testing.assert_allclose(p[j], total, atol=1e-12)


def test_mirror_and_sides():
    sk = get_skeleton("smpl24")
    m = sk.mirror_indices
    assert sk.joints[m[sk.index("left_elbow")]] == "right_elbow"
    assert m[sk.index("head")] == sk.index("head")
    assert (sk.sides[m] == -sk.sides).all()
    left, right = sk.feet
    assert [sk.joints[i] for i in left] == ["left_ankle", "left_foot"]


def test_rotation_round_trips(rng):
    aa = rng.normal(0, 1.0, (5, 7, 3))
    M = rotations.axis_angle_to_matrix(aa)
    np.testing.assert_allclose(M @ np.swapaxes(M, -1, -2), np.broadcast_to(np.eye(3), M.shape),
                               atol=1e-12)
    np.testing.assert_allclose(rotations.quaternion_to_matrix(rotations.matrix_to_quaternion(M)),
                               M, atol=1e-12)
    np.testing.assert_allclose(rotations.rotation_6d_to_matrix(
        rotations.matrix_to_rotation_6d(M)), M, atol=1e-12)
    np.testing.assert_allclose(
        rotations.axis_angle_to_matrix(rotations.matrix_to_axis_angle(M)), M, atol=1e-12)
    for order in ("ZXY", "XYZ", "YZX"):
        e = rotations.matrix_to_euler(M, order)
        np.testing.assert_allclose(rotations.euler_to_matrix(e, order), M, atol=1e-12)
    # intrinsic ZXY = Rz @ Rx @ Ry
    e = np.array([30.0, -20.0, 45.0])
    Rz = rotations.euler_to_matrix([e[0], 0, 0], "ZXY")
    Rx = rotations.euler_to_matrix([0, e[1], 0], "ZXY")
    Ry = rotations.euler_to_matrix([0, 0, e[2]], "ZXY")
    np.testing.assert_allclose(rotations.euler_to_matrix(e, "ZXY"), Rz @ Rx @ Ry, atol=1e-12)
    # quaternions are scalar-first
    q = rotations.axis_angle_to_quaternion(np.array([0, 0, np.pi / 2]))
    np.testing.assert_allclose(q, [np.cos(np.pi / 4), 0, 0, np.sin(np.pi / 4)], atol=1e-12)


def test_torch_rotations_match_numpy(rng):
    aa = rng.normal(0, 1.0, (4, 24, 3))
    aa[0, 0] = 0.0  # the zero rotation must be smooth and exact
    M = rotations.axis_angle_to_matrix(aa)
    Mt = rotations_torch.axis_angle_to_matrix(torch.tensor(aa))
    np.testing.assert_allclose(Mt.numpy(), M, atol=1e-12)
    back = rotations_torch.matrix_to_axis_angle(Mt).numpy()  # angles may wrap into [0, pi]
    np.testing.assert_allclose(rotations.axis_angle_to_matrix(back), M, atol=1e-9)
    small = rng.normal(0, 0.5, (100, 3))
    np.testing.assert_allclose(rotations_torch.matrix_to_axis_angle(
        rotations_torch.axis_angle_to_matrix(torch.tensor(small))).numpy(), small, atol=1e-9)
    r6 = rotations_torch.matrix_to_rotation_6d(Mt)
    np.testing.assert_allclose(rotations_torch.rotation_6d_to_matrix(r6).numpy(), M, atol=1e-12)
    g = torch.zeros(3, requires_grad=True)
    rotations_torch.axis_angle_to_matrix(g).sum().backward()
    assert torch.isfinite(g.grad).all()


def test_fk_numpy_torch_agree_and_keep_bone_lengths(rng):
    m = random_motion(rng)
    sk = m.skeleton
    pt = kinematics_torch.forward_kinematics(torch.tensor(m.rotations, dtype=torch.float64),
                                             torch.tensor(m.root, dtype=torch.float64), sk)
    np.testing.assert_allclose(pt.numpy(), m.positions, atol=1e-5)
    bones = np.linalg.norm(m.positions[:, 1:] - m.positions[:, list(sk.parents[1:])], axis=-1)
    np.testing.assert_allclose(bones, np.broadcast_to(sk.bone_lengths()[1:], bones.shape),
                               atol=1e-5)


def test_motion_validation():
    sk = get_skeleton("smpl24")
    with pytest.raises(ParameterError, match="shape"):
        Motion(np.zeros((10, 24)), 30, sk)
    with pytest.raises(ParameterError, match="no frames"):
        Motion(np.zeros((0, 24, 3)), 30, sk)
    with pytest.raises(ParameterError, match="NaN"):
        bad = np.zeros((3, 24, 3))
        bad[1, 2, 0] = np.nan
        Motion(bad, 30, sk)
    with pytest.raises(ParameterError, match="fps"):
        Motion(np.zeros((3, 24, 3)), 0, sk)
    with pytest.raises(ParameterError, match="joints"):
        Motion(np.zeros((3, 17, 3)), 30, sk)
    kp = Motion(np.zeros((3, 17, 2)), 60, "coco17", confidence=np.ones((3, 17)))
    assert kp.is_2d and kp.dims == 2 and kp.duration == pytest.approx(0.05)


def test_slicing_and_resampling(rng):
    m = random_motion(rng, T=61, fps=30)
    assert m[10:20].num_frames == 10
    assert m[::2].fps == 15
    up = resample(m, 60)
    assert up.fps == 60 and up.num_frames == 121
    np.testing.assert_allclose(up.positions[::2], m.positions, atol=1e-5)
    # rotations are slerped and positions recomputed, so bone lengths stay exact
    sk = m.skeleton
    bones = np.linalg.norm(up.positions[:, 1:] - up.positions[:, list(sk.parents[1:])], axis=-1)
    np.testing.assert_allclose(bones, np.broadcast_to(sk.bone_lengths()[1:], bones.shape),
                               atol=1e-5)
    down = resample(m, 10)
    assert down.num_frames == 21


def test_normalize_root_keeps_fk_consistent(rng):
    m = random_motion(rng)
    n = normalize_root(m, face_forward=True)
    assert abs(n.positions[0, 0, 0]) < 1e-6 and abs(n.positions[0, 0, 2]) < 1e-6
    assert abs(n.positions[..., 1].min()) < 1e-6
    np.testing.assert_allclose(forward_kinematics(n.rotations, n.root, n.skeleton), n.positions,
                               atol=1e-5)
    sk = n.skeleton
    across = n.positions[0, sk.index("left_hip")] - n.positions[0, sk.index("right_hip")]
    assert across[0] > 0 and abs(across[2]) < 1e-5


def test_level_floor_takes_out_a_drift_and_keeps_the_dancers_own_rise_and_fall(rng):
    """A dancer bobbing 5 cm at 1.5 Hz, one foot always down, filmed by a capture whose floor
    rises 0.3 m in a minute: levelled, the drift is gone to within a centimetre and the bob
    is kept; FK still reproduces the positions."""
    T, fps = 1800, 30.0
    t = np.arange(T) / fps
    rot = np.zeros((T, 24, 3))
    rot[:, 4, 0] = 0.6 * (np.sin(2 * np.pi * 0.75 * t) > 0)  # knees bend in turn: a foot
    rot[:, 5, 0] = 0.6 * (np.sin(2 * np.pi * 0.75 * t) <= 0)  # stays on the floor
    flat = normalize_root(Motion.from_rotations(rot, np.zeros((T, 3)), fps=fps))
    bob = 0.05 * np.sin(2 * np.pi * 1.5 * t)
    drift = 0.3 * t / t[-1]
    lift = np.zeros((T, 1, 3))
    lift[:, 0, 1] = bob + drift
    captured = flat.replace(positions=flat.positions + lift, root=flat.root + lift[:, 0])
    levelled = level_floor(captured)
    assert levelled.meta["floor_drift_m"] == pytest.approx(0.3, abs=0.05)
    left = levelled.positions[..., 1] - flat.positions[..., 1] - bob[:, None]
    assert np.ptp(left[90:-90]) < 0.01  # 3 s from either end
    pelvis = levelled.positions[:, 0, 1]
    spectrum = np.abs(np.fft.rfft(pelvis - pelvis.mean()))
    freqs = np.fft.rfftfreq(T, 1 / fps)
    kept = spectrum[np.argmin(np.abs(freqs - 1.5))] / np.abs(np.fft.rfft(bob))[np.argmin(
        np.abs(freqs - 1.5))]
    assert kept > 0.9
    np.testing.assert_allclose(forward_kinematics(levelled.rotations, levelled.root,
                                                  levelled.skeleton), levelled.positions,
                               atol=1e-5)
    with pytest.raises(ParameterError, match="3D"):
        level_floor(Motion(np.zeros((10, 17, 2)), 30.0, "coco17"))
    with pytest.raises(ParameterError, match="percentile"):
        level_floor(captured, percentile=150)


def test_smooth_reduces_jitter(rng):
    m = random_motion(rng, scale=0.05)
    noisy = m.replace(positions=m.positions + rng.normal(0, 0.01, m.positions.shape),
                      rotations=None)
    s = smooth(noisy, 1 / 15)
    jerk = lambda x: np.abs(np.diff(x.positions, 3, axis=0)).mean()  # noqa: E731
    assert jerk(s) < 0.2 * jerk(noisy)


def test_foot_contacts_on_a_standing_then_walking_figure():
    sk = get_skeleton("smpl24")
    T = 60
    rot = np.zeros((T, 24, 3))
    root = np.zeros((T, 3))
    root[:, 1] = 0.95
    root[30:, 0] = np.linspace(0, 1.5, 30)  # slides at 3 m/s in the second half
    m = Motion.from_rotations(rot, root, fps=30, skeleton=sk)
    c = foot_contacts(m)
    assert c.shape == (T, 4)
    assert c[:29].all() and not c[31:].any()


def test_skeleton_equality():
    smpl, coco = get_skeleton("smpl24"), get_skeleton("coco17")
    assert smpl == get_skeleton("smpl24") and smpl != coco and coco == get_skeleton("coco17")
    moved = type(smpl)(smpl.name, smpl.joints, smpl.parents, offsets=smpl.offsets * 1.1)
    assert moved != smpl


def test_rotation_between_takes_a_onto_b(rng):
    a, b = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    R = rotations.rotation_between(a, b)
    unit = lambda v: v / np.linalg.norm(v, axis=-1, keepdims=True)  # noqa: E731
    np.testing.assert_allclose((R @ unit(a)[..., None])[..., 0], unit(b), atol=1e-12)
    # smallest rotation: its axis is perpendicular to both directions
    axis = rotations.matrix_to_axis_angle(R)
    assert np.abs(np.sum(axis * a, -1)).max() < 1e-9 and np.abs(np.sum(axis * b, -1)).max() < 1e-9
    # opposite and identical directions, unbatched
    x = np.array([1.0, 0.0, 0.0])
    np.testing.assert_allclose(rotations.rotation_between(x, -x) @ x, -x, atol=1e-12)
    np.testing.assert_allclose(rotations.rotation_between(x, 2 * x), np.eye(3), atol=1e-12)


def test_rodrigues_and_slerp_are_scipys(bvh_file) -> None:
    # Forward kinematics and re-timing use numpy versions of these two (scipy.spatial takes
    # 0.26 s to import); they must agree with scipy's Rotation and Slerp to rounding, on a
    # real capture's joint rotations and on angles near 0 and pi.
    from scipy.spatial.transform import Rotation, Slerp

    from dancekit.io import load_motion

    motion = load_motion(bvh_file)
    aa = motion.rotations[:200]
    edge = np.array([[0.0, 0, 0], [1e-9, 0, 0], [0, 3e-5, 1e-5], [np.pi, 0, 0],
                     [0, 0, np.pi - 1e-7]])
    for v in (aa.reshape(-1, 3), edge):
        np.testing.assert_allclose(rotations.axis_angle_to_matrix(v),
                                   Rotation.from_rotvec(v).as_matrix(), rtol=0, atol=1e-13)
    t_src = np.arange(len(aa)) / motion.fps
    t_dst = np.linspace(-0.1, t_src[-1] + 0.1, 517)
    ours = rotations.axis_angle_to_matrix(rotations.slerp_axis_angle(aa, t_src, t_dst))
    for j in range(aa.shape[1]):
        theirs = Slerp(t_src, Rotation.from_rotvec(aa[:, j]))(np.clip(t_dst, 0, t_src[-1]))
        np.testing.assert_allclose(ours[:, j], theirs.as_matrix(), rtol=0, atol=1e-12)



def test_time_filters_are_scipy_ndimages(ballroom_dir) -> None:
    # The camera, the floor and the speed envelope are filtered in numpy (scipy.ndimage takes
    # 0.33 s to import); on a real capture's signals, and at the edges of short ones, the
    # filters must give scipy's results: the maximum and the rank exactly.
    from scipy.ndimage import gaussian_filter1d, maximum_filter1d, percentile_filter

    from dancekit.io import load_motion
    from dancekit.motion.filters import gaussian_smooth, running_max, running_rank
    from dancekit.motion.speed import body_speed

    motion = load_motion(ballroom_dir / "DANCE_C_2")
    lowest = motion.positions[..., 1].min(axis=1).astype(np.float64)
    speed = body_speed(motion.positions, motion.fps)
    track = motion.positions.mean(axis=1)[:, [0, 2]].astype(np.float64)
    for x in (lowest, speed, lowest[:5], speed[:1]):
        for size in (1, 3, 51, 91):
            np.testing.assert_array_equal(running_max(x, size),
                                          maximum_filter1d(x, size, mode="nearest"))
            window = min(len(x), size)
            np.testing.assert_array_equal(running_rank(x, window, int(window * 0.1)),
                                          percentile_filter(x, 10, size=window, mode="nearest"))
        for sigma in (0.5, 3.0, 12.5, 40.0):
            for mode in ("nearest", "reflect"):
                np.testing.assert_allclose(gaussian_smooth(x, sigma, mode=mode),
                                           gaussian_filter1d(x, sigma, mode=mode),
                                           rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        gaussian_smooth(track, 12.5, axis=0, mode="nearest", truncate=3.0),
        gaussian_filter1d(track, 12.5, axis=0, mode="nearest", truncate=3.0), rtol=1e-12)
