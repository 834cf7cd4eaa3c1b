"""Rotation conversions on numpy arrays of any batch shape.

Conventions used everywhere in dancekit:
- axis-angle ``(..., 3)``: unit axis times angle in radians (SMPL / AIST++ ``smpl_poses``);
- matrix ``(..., 3, 3)``: acts on column vectors, ``v_world = R @ v_local``;
- quaternion ``(..., 4)``: scalar first ``(w, x, y, z)``, Hamilton product;
- 6D ``(..., 6)``: the first two columns of the matrix, column-major (Zhou et al., CVPR 2019);
- Euler: a BVH channel order such as ``"ZXY"`` means intrinsic rotations applied in that order,
  ``R = Rz @ Rx @ Ry``; angles in degrees, as BVH stores them.

What making a dance needs (axis-angle to matrices for forward kinematics, slerp for
re-timing) is written here in numpy; the other conversions are scipy's
:class:`~scipy.spatial.transform.Rotation` with batch shapes and the scalar-first quaternion
layout, imported when first used: importing scipy.spatial takes 0.26 s, a tenth of a
warm ``dancekit dance``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dancekit.errors import ParameterError

#: Below this angle (radians) the sine ratios are taken from their Taylor series, exact to
#: double precision there, instead of dividing two vanishing numbers.
_SMALL = 1e-4


def _scipy_rotation() -> Any:
    """scipy's ``Rotation`` class."""
    from scipy.spatial.transform import Rotation

    return Rotation


def _flat(x: np.ndarray, tail: tuple[int, ...]) -> tuple[np.ndarray, tuple[int, ...]]:
    x = np.asarray(x, dtype=np.float64)
    if x.shape[x.ndim - len(tail):] != tail:
        raise ParameterError(f"expected an array of shape (..., {', '.join(map(str, tail))}), "
                             f"got {x.shape}")
    batch = x.shape[: x.ndim - len(tail)]
    return x.reshape((-1, *tail)), batch


def axis_angle_to_matrix(aa: np.ndarray) -> np.ndarray:
    """Rodrigues' formula, ``I + sin(t)/t K + (1 - cos(t))/t^2 K^2`` for ``K`` the cross
    product matrix of the axis-angle vector and ``t`` its length."""
    flat, batch = _flat(aa, (3,))
    angle = np.linalg.norm(flat, axis=1)
    small = angle < _SMALL
    safe = np.where(small, 1.0, angle)
    sq = angle * angle
    a = np.where(small, 1 - sq / 6, np.sin(safe) / safe)
    b = np.where(small, 0.5 - sq / 24, (1 - np.cos(safe)) / (safe * safe))
    x, y, z = flat.T
    zero = np.zeros_like(x)
    k = np.stack([zero, -z, y, z, zero, -x, -y, x, zero], axis=1).reshape(-1, 3, 3)
    m = np.eye(3) + a[:, None, None] * k + b[:, None, None] * (k @ k)
    return m.reshape(*batch, 3, 3)


def matrix_to_axis_angle(m: np.ndarray) -> np.ndarray:
    flat, batch = _flat(m, (3, 3))
    return _scipy_rotation().from_matrix(flat).as_rotvec().reshape(*batch, 3)


def quaternion_to_matrix(q: np.ndarray) -> np.ndarray:
    flat, batch = _flat(q, (4,))
    return _scipy_rotation().from_quat(flat[:, [1, 2, 3, 0]]).as_matrix().reshape(*batch, 3, 3)


def matrix_to_quaternion(m: np.ndarray) -> np.ndarray:
    """Unit quaternions (w, x, y, z) with w >= 0."""
    flat, batch = _flat(m, (3, 3))
    xyzw = _scipy_rotation().from_matrix(flat).as_quat(canonical=True)
    return xyzw[:, [3, 0, 1, 2]].reshape(*batch, 4)


def axis_angle_to_quaternion(aa: np.ndarray) -> np.ndarray:
    flat, batch = _flat(aa, (3,))
    xyzw = _scipy_rotation().from_rotvec(flat).as_quat(canonical=True)
    return xyzw[:, [3, 0, 1, 2]].reshape(*batch, 4)


def quaternion_to_axis_angle(q: np.ndarray) -> np.ndarray:
    flat, batch = _flat(q, (4,))
    return _scipy_rotation().from_quat(flat[:, [1, 2, 3, 0]]).as_rotvec().reshape(*batch, 3)


def matrix_to_rotation_6d(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    return np.concatenate([m[..., :, 0], m[..., :, 1]], axis=-1)


def rotation_6d_to_matrix(r6: np.ndarray) -> np.ndarray:
    """Gram-Schmidt on the two columns; any 6-vector with independent halves is valid."""
    r6 = np.asarray(r6, dtype=np.float64)
    a, b = r6[..., :3], r6[..., 3:]
    x = a / np.maximum(np.linalg.norm(a, axis=-1, keepdims=True), 1e-12)
    b = b - np.sum(x * b, axis=-1, keepdims=True) * x
    y = b / np.maximum(np.linalg.norm(b, axis=-1, keepdims=True), 1e-12)
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=-1)


def _check_order(order: str) -> str:
    order = order.upper()
    if sorted(order) != ["X", "Y", "Z"]:
        raise ParameterError(f"Euler order must be a permutation of XYZ, got {order!r}")
    return order


def euler_to_matrix(angles_deg: np.ndarray, order: str) -> np.ndarray:
    """Intrinsic Euler angles (degrees, in ``order``'s sequence) to matrices."""
    flat, batch = _flat(angles_deg, (3,))
    rot = _scipy_rotation().from_euler(_check_order(order), flat, degrees=True)
    return rot.as_matrix().reshape(*batch, 3, 3)


def matrix_to_euler(m: np.ndarray, order: str) -> np.ndarray:
    """Matrices to intrinsic Euler angles in degrees (BVH channel values)."""
    flat, batch = _flat(m, (3, 3))
    rot = _scipy_rotation().from_matrix(flat)
    return rot.as_euler(_check_order(order), degrees=True).reshape(*batch, 3)


def slerp_axis_angle(aa: np.ndarray, t_src: np.ndarray, t_dst: np.ndarray) -> np.ndarray:
    """Resample axis-angle tracks ``(T, J, 3)`` from increasing times ``t_src`` to ``t_dst``
    (clipped to their span) by slerp: between two frames, the shorter way at a constant
    rate."""
    q = _to_quaternion(np.asarray(aa, dtype=np.float64))  # (T, J, 4)
    t_src = np.asarray(t_src, dtype=np.float64)
    t_dst = np.clip(t_dst, t_src[0], t_src[-1])
    k = np.clip(np.searchsorted(t_src, t_dst, side="right") - 1, 0, len(t_src) - 2)
    w = ((t_dst - t_src[k]) / (t_src[k + 1] - t_src[k]))[:, None, None]
    q0, q1 = q[k], q[k + 1]
    dot = np.sum(q0 * q1, axis=-1, keepdims=True)
    q1 = np.where(dot < 0, -q1, q1)
    half = np.arccos(np.clip(np.abs(dot), 0.0, 1.0))  # half the angle between the two
    small = half < _SMALL
    safe = np.where(small, 1.0, half)
    sin = np.sin(safe)
    c0 = np.where(small, 1 - w, np.sin((1 - w) * safe) / sin)
    c1 = np.where(small, w, np.sin(w * safe) / sin)
    out = c0 * q0 + c1 * q1
    return _from_quaternion(out / np.linalg.norm(out, axis=-1, keepdims=True))


def _to_quaternion(aa: np.ndarray) -> np.ndarray:
    """Axis-angle (..., 3) to unit quaternions (..., 4), scalar first."""
    angle = np.linalg.norm(aa, axis=-1, keepdims=True)
    small = angle < _SMALL
    safe = np.where(small, 1.0, angle)
    scale = np.where(small, 0.5 - angle * angle / 48, np.sin(safe / 2) / safe)
    return np.concatenate([np.cos(angle / 2), aa * scale], axis=-1)


def _from_quaternion(q: np.ndarray) -> np.ndarray:
    """Unit quaternions (..., 4), scalar first, to axis-angle (..., 3) of angle <= pi."""
    q = np.where(q[..., :1] < 0, -q, q)
    sin = np.linalg.norm(q[..., 1:], axis=-1, keepdims=True)  # sin(angle / 2)
    angle = 2 * np.arctan2(sin, q[..., :1])
    small = angle < _SMALL
    scale = np.where(small, 2 + angle * angle / 12, angle / np.where(small, 1.0, sin))
    return q[..., 1:] * scale


def rotation_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Smallest rotations (..., 3, 3) taking directions ``a`` onto directions ``b`` (the swing
    of a bone; any lengths, broadcast). Opposite directions get a half turn about an axis
    perpendicular to ``a``."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    a = a / np.maximum(np.linalg.norm(a, axis=-1, keepdims=True), 1e-12)
    b = b / np.maximum(np.linalg.norm(b, axis=-1, keepdims=True), 1e-12)
    a, b = np.broadcast_arrays(a, b)
    v = np.cross(a, b)
    c = np.sum(a * b, axis=-1)
    K = np.zeros((*v.shape[:-1], 3, 3))
    K[..., 0, 1], K[..., 0, 2], K[..., 1, 2] = -v[..., 2], v[..., 1], -v[..., 0]
    K[..., 1, 0], K[..., 2, 0], K[..., 2, 1] = v[..., 2], -v[..., 1], v[..., 0]
    R = np.eye(3) + K + K @ K / np.maximum(1.0 + c, 1e-12)[..., None, None]
    opposite = c < -1.0 + 1e-9
    if opposite.any():  # half turn about any axis perpendicular to a
        ao = a[opposite]
        helper = np.where(np.abs(ao[:, :1]) < 0.9, [[1.0, 0, 0]], [[0, 1.0, 0]])
        axis = np.cross(ao, helper)
        axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
        R[opposite] = 2.0 * axis[:, :, None] * axis[:, None, :] - np.eye(3)
    return R
