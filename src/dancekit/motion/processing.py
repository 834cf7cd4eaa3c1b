"""Operations on whole motions: resampling, smoothing, root normalisation, foot contacts."""

from __future__ import annotations

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion
from dancekit.motion.kinematics import forward_kinematics
from dancekit.motion.rotations import slerp_axis_angle
from dancekit.motion.skeletons import Skeleton


def resample(motion: Motion, fps: float) -> Motion:
    """Resample to ``fps``: positions and root linearly, rotations by slerp.

    When rotations are present the positions are recomputed from them by FK, so the result
    keeps bone lengths exactly (linear interpolation of positions would shorten bones).
    """
    if fps <= 0:
        raise ParameterError(f"fps must be positive, got {fps}")
    if abs(fps - motion.fps) < 1e-9:
        return motion
    n_dst = max(1, int(np.floor((motion.num_frames - 1) * fps / motion.fps + 1e-9)) + 1)
    return retime(motion, np.arange(n_dst) / fps, fps=fps)


def retime(motion: Motion, times: np.ndarray, *, fps: float | None = None) -> Motion:
    """The motion as it is at each of ``times`` (seconds from its first frame, clipped to
    its span), one output frame per time, at ``fps`` (default: the motion's). Positions and
    root are interpolated linearly, rotations by slerp, with positions then recomputed by FK
    (bone lengths kept). Resampling and time warps (:mod:`dancekit.motion.beat_warp`) are
    both this with different times."""
    times = np.asarray(times, dtype=np.float64)
    fps = motion.fps if fps is None else fps
    T = motion.num_frames
    if T == 1:
        return motion.replace(fps=fps)
    t_src = np.arange(T) / motion.fps

    def lerp(a: np.ndarray) -> np.ndarray:
        flat = a.reshape(T, -1)
        out = np.stack([np.interp(times, t_src, flat[:, k]) for k in range(flat.shape[1])], 1)
        return out.reshape(len(times), *a.shape[1:])

    root = None if motion.root is None else lerp(motion.root)
    conf = None if motion.confidence is None else lerp(motion.confidence)
    if motion.rotations is not None and motion.skeleton.offsets is not None and root is not None:
        rot = slerp_axis_angle(motion.rotations, t_src, times)
        pos = forward_kinematics(rot, root, motion.skeleton)
        return motion.replace(positions=pos, fps=fps, rotations=rot, root=root, confidence=conf)
    return motion.replace(positions=lerp(motion.positions), fps=fps, rotations=None, root=root,
                          confidence=conf)


def smooth(motion: Motion, sigma_seconds: float = 1 / 30) -> Motion:
    """Gaussian temporal smoothing of positions (and root); drops rotations, which would
    no longer match. ``sigma_seconds`` is the kernel's standard deviation in seconds."""
    if sigma_seconds <= 0:
        return motion
    from scipy.ndimage import gaussian_filter1d  # 0.2 s to import: only when smoothing

    sigma = sigma_seconds * motion.fps
    pos = gaussian_filter1d(motion.positions.astype(np.float64), sigma, axis=0, mode="nearest")
    root = None if motion.root is None else gaussian_filter1d(
        motion.root.astype(np.float64), sigma, axis=0, mode="nearest")
    return motion.replace(positions=pos, root=root, rotations=None)


def normalize_root(motion: Motion, *, floor: bool = True, face_forward: bool = False) -> Motion:
    """Move the dancer so the root starts above the origin (x = z = 0); with ``floor`` the
    lowest joint over the whole clip sits at y = 0; with ``face_forward`` the first frame's
    hips are turned so the dancer faces +z. Translation and yaw are applied to positions,
    root and the root rotation alike, so FK still reproduces the positions."""
    if motion.is_2d:
        raise ParameterError("normalize_root needs 3D motion")
    pos = motion.positions.astype(np.float64)
    offset = np.array([-pos[0, 0, 0], 0.0, -pos[0, 0, 2]])
    lift = np.array([0.0, -pos[..., 1].min() if floor else 0.0, 0.0])
    R = _facing_yaw(motion) if face_forward else np.eye(3)
    new_pos = (pos + offset) @ R.T + lift
    root = rot = None
    if motion.root is not None:
        # FK puts joint 0 at root + offsets[0]; keep that relation after the move.
        off0 = 0.0 if motion.skeleton.offsets is None else motion.skeleton.offsets[0]
        root = (motion.root + off0 + offset) @ R.T + lift - off0
    if motion.rotations is not None:
        from dancekit.motion.rotations import axis_angle_to_matrix, matrix_to_axis_angle

        rot = motion.rotations.astype(np.float64).copy()
        rot[:, 0] = matrix_to_axis_angle(R @ axis_angle_to_matrix(rot[:, 0]))
    return motion.replace(positions=new_pos, root=root, rotations=rot)


def level_floor(motion: Motion, *, window_seconds: float = 3.0,
                percentile: float = 10.0) -> Motion:
    """Take out a floor that drifts: each frame is moved up or down so that the lowest
    joint's ``percentile`` over the ``window_seconds`` around it sits at y = 0.

    Why: motion capture whose calibration drifts (the ballroom capture rises up to 0.47 m
    within a sequence while the pelvis keeps its height above the feet) shows dancers
    floating off the floor, hides planted feet from contact tests, and makes a model spend
    its capacity on the drift (a motion tokenizer codes the same step at every height it was
    captured at).
    A dancer's own rise and fall stays: within a few seconds some foot is on the floor, and
    the window's low percentile of the lowest joint is that foot's height. Only heights
    change (positions and root alike); rotations are untouched.

    Returns the levelled motion, with the span of the heights taken off (metres) in
    ``meta["floor_drift_m"]``.
    """
    if motion.is_2d:
        raise ParameterError("level_floor needs 3D motion")
    if not (window_seconds > 0 and 0 <= percentile <= 100):
        raise ParameterError(f"level_floor needs window_seconds > 0 and a percentile in "
                             f"0..100, got {window_seconds} and {percentile}")
    from scipy.ndimage import gaussian_filter1d, percentile_filter

    pos = motion.positions.astype(np.float64)
    size = max(1, int(round(window_seconds * motion.fps)))
    floor = percentile_filter(pos[..., 1].min(axis=1), percentile, size=size, mode="nearest")
    floor = gaussian_filter1d(floor, size / 4, mode="nearest")
    pos[..., 1] -= floor[:, None]
    root = None
    if motion.root is not None:
        root = motion.root.astype(np.float64).copy()
        root[:, 1] -= floor
    return motion.replace(positions=pos, root=root,
                          meta={**motion.meta, "floor_drift_m": float(np.ptp(floor))})


def hip_angles(positions: np.ndarray, skeleton: Skeleton) -> np.ndarray:
    """(T,) angle (radians, about +y) of each frame's right-to-left hip vector from +x: 0
    when the dancer faces +z (left hip at +x, as in the SMPL rest pose)."""
    if not (skeleton.has("left_hip") and skeleton.has("right_hip")):
        raise ParameterError(f"skeleton {skeleton.name!r} has no hips to find the facing "
                             "direction")
    across = positions[:, skeleton.index("left_hip")] - positions[:, skeleton.index("right_hip")]
    return np.arctan2(across[:, 2], across[:, 0])


def _facing_yaw(motion: Motion) -> np.ndarray:
    """Rotation about y that turns the first frame's right-to-left hip vector onto +x, i.e.
    the dancer faces +z."""
    angle = hip_angles(motion.positions[:1], motion.skeleton)[0]
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def foot_contacts(
    motion: Motion,
    *,
    height_threshold: float = 0.05,
    speed_threshold: float = 0.25,
) -> np.ndarray:
    """Which foot joints are planted, per frame.

    A foot joint is in contact when it is within ``height_threshold`` metres of its own lowest
    height in the clip (ankles rest above the floor, toes on it) and moves slower than
    ``speed_threshold`` m/s.

    Returns
    -------
    contacts : ndarray bool (T, F)
        F = the skeleton's foot joints, left ones first (``skeleton.feet``).
    """
    if motion.is_2d:
        raise ParameterError("foot contact detection needs 3D motion")
    left, right = motion.skeleton.feet
    feet = left + right
    if not feet:
        raise ParameterError(f"skeleton {motion.skeleton.name!r} has no foot joints")
    p = motion.positions[:, feet].astype(np.float64)
    height = p[..., 1] - p[..., 1].min(axis=0)
    vel = np.zeros(p.shape[:2])
    if motion.num_frames > 1:
        step = np.linalg.norm(np.diff(p, axis=0), axis=-1) * motion.fps
        vel[1:] = step
        vel[0] = step[0]
    return (height < height_threshold) & (vel < speed_threshold)
