"""The motion representation the learned models share: SMPL-24 local rotations as 6D
(Zhou et al. 2019) and the root translation, 147 numbers a frame.

6D rotations are continuous (axis-angle wraps around), so a network can regress them; joint
positions come back through forward kinematics, which the position losses and the metrics
need. Windows are seen relative to where their root starts (x and z; height is kept), so a
dance may travel anywhere without leaving the range the network was trained on.

The heading-free variant (:func:`heading_free_features`, inverse :func:`from_heading_free`)
also takes out where the dancer faces. A ballroom couple turns through every heading, and in
the world-axis features the same step looks different at each one (the pelvis rotation
carries the heading, the root's steps are in world axes), so a network has to learn every
movement once per heading. Its 147 numbers a frame, same layout as above:

* 0-2: the root's step since the previous frame, x and z in the previous frame's heading
  (x to the dancer's left, z forward; 0 on the first frame), and the root's height;
* 3-8: the pelvis rotation as 6D, turned by minus the previous frame's heading: its own
  heading is the turn since the previous frame (the yaw rate), the rest its tilt;
* 9-146: the other 23 joints' local rotations, unchanged.

The heading is the yaw of the pelvis's forward (+z) axis about world y. Keeping the turn in
the pelvis rotation instead of a 148th number leaves every network's input size as it is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from dancekit.errors import ParameterError
from dancekit.motion import Motion, get_skeleton
from dancekit.motion.kinematics_torch import forward_kinematics
from dancekit.motion.rotations_torch import (
    axis_angle_to_matrix,
    matrix_to_axis_angle,
    matrix_to_rotation_6d,
    rotation_6d_to_matrix,
)

SKELETON = "smpl24"
JOINTS = 24
MOTION_DIM = 3 + JOINTS * 6  # root translation + 6D rotation per joint = 147


def encode_motion(rotations: torch.Tensor, root: torch.Tensor) -> torch.Tensor:
    """Axis-angle rotations (..., T, 24, 3) and root (..., T, 3) -> features (..., T, 147)."""
    r6 = matrix_to_rotation_6d(axis_angle_to_matrix(rotations))  # (..., T, 24, 6)
    return torch.cat([root, r6.flatten(-2)], dim=-1)


def decode_matrices(feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Features (..., T, 147) -> rotation matrices (..., T, 24, 3, 3) and root (..., T, 3)."""
    root, r6 = feats[..., :3], feats[..., 3:]
    r6 = r6.reshape(*r6.shape[:-1], JOINTS, 6)  # (..., T, 24, 6)
    return rotation_6d_to_matrix(r6), root


def motion_to_features(motion: Motion) -> np.ndarray:
    """A rotation-carrying SMPL-24 :class:`Motion` -> (T, 147) float32 features."""
    if motion.skeleton.name != SKELETON or motion.rotations is None or motion.root is None:
        raise ParameterError(f"FACT needs {SKELETON} motion with rotations and root "
                             f"translation, got {motion!r}")
    feats = encode_motion(torch.from_numpy(motion.rotations).double(),
                          torch.from_numpy(motion.root).double())
    return feats.float().numpy()


def features_to_motion(feats: np.ndarray | torch.Tensor, fps: float,
                       meta: dict[str, Any] | None = None) -> Motion:
    """(T, 147) features -> :class:`Motion` with rotations, root and FK positions."""
    mats, root = decode_matrices(torch.as_tensor(feats).double())
    rot = matrix_to_axis_angle(mats)
    return Motion.from_rotations(rot.numpy(), root.numpy(), fps=fps, skeleton=SKELETON,
                                 meta=meta or {})


def joint_positions(feats: torch.Tensor) -> torch.Tensor:
    """(B, T, 147) features -> (B, T, 24, 3) joint positions (differentiable)."""
    mats, root = decode_matrices(feats)
    return forward_kinematics(mats, root, get_skeleton(SKELETON))


def heading(mats: torch.Tensor) -> torch.Tensor:
    """Rotation matrices (..., 3, 3) -> the yaw (...,) about world y of their forward (+z)
    axis: 0 facing +z, pi/2 facing +x."""
    forward = mats[..., :, 2]
    return torch.atan2(forward[..., 0], forward[..., 2])


def yaw_matrix(yaw: torch.Tensor) -> torch.Tensor:
    """Yaw angles (...,) -> rotations about world y (..., 3, 3)."""
    c, s, zero, one = torch.cos(yaw), torch.sin(yaw), torch.zeros_like(yaw), torch.ones_like(yaw)
    return torch.stack([c, zero, s, zero, one, zero, -s, zero, c], -1).reshape(
        *yaw.shape, 3, 3)


def _turn_xz(xz: torch.Tensor, yaw: torch.Tensor) -> torch.Tensor:
    """Horizontal vectors (..., 2) as x/z, rotated about world y by ``yaw`` (...,)."""
    c, s = torch.cos(yaw), torch.sin(yaw)
    return torch.stack([c * xz[..., 0] + s * xz[..., 1], c * xz[..., 1] - s * xz[..., 0]], -1)


def heading_free_features(feats: torch.Tensor) -> torch.Tensor:
    """(..., T, 147) features -> (..., T, 147) heading-free features (the module docstring
    gives the layout); the same for a dance turned about y or moved over the floor."""
    mats, root = decode_matrices(feats)
    pelvis = mats[..., 0, :, :]
    yaw = heading(pelvis)
    before = torch.cat([yaw[..., :1], yaw[..., :-1]], dim=-1)  # the previous frame's heading
    steps = torch.diff(root[..., [0, 2]], dim=-2, prepend=root[..., :1, [0, 2]])
    body = _turn_xz(steps, -before)
    out = feats.clone()
    out[..., 0], out[..., 2], out[..., 1] = body[..., 0], body[..., 1], root[..., 1]
    out[..., 3:9] = matrix_to_rotation_6d(yaw_matrix(-before) @ pelvis)
    return out


#: The sign each 6D number (a rotation matrix's first two columns) takes when the rotation is
#: mirrored across the body's midplane: M R M with M = diag(-1, 1, 1) negates the entries
#: with exactly one index 0.
MIRROR_6D = (1.0, -1.0, -1.0, -1.0, 1.0, 1.0)


def mirror_features(feats: torch.Tensor) -> torch.Tensor:
    """(..., T, 147) features of a dance -> those of its mirror image (x -> -x, left for
    right): the root's x (place or step) negated, each joint's rotation mirrored and given to
    its twin. Valid for the world-axis, travel and heading-free layouts alike (mirroring
    negates the heading, so it commutes with taking the heading out). The SMPL rest skeleton
    is symmetric to within a centimetre, so the mirrored dance's joints are the original's
    mirrored to about that."""
    twin = torch.as_tensor(get_skeleton(SKELETON).mirror_indices, device=feats.device)
    r6 = feats[..., 3:].reshape(*feats.shape[:-1], JOINTS, 6)[..., twin, :]
    r6 = r6 * torch.tensor(MIRROR_6D, dtype=feats.dtype, device=feats.device)
    root = feats[..., :3] * torch.tensor((-1.0, 1.0, 1.0), dtype=feats.dtype,
                                         device=feats.device)
    return torch.cat([root, r6.flatten(-2)], dim=-1)


def from_heading_free(feats: torch.Tensor, yaw: float = 0.0,
                      start: tuple[float, float] = (0.0, 0.0)) -> torch.Tensor:
    """Inverse of :func:`heading_free_features`: the turns and steps integrated from heading
    ``yaw`` (radians) and root x/z ``start`` on the first frame."""
    pelvis = rotation_6d_to_matrix(feats[..., 3:9])
    turn = heading(pelvis)  # (..., T): the heading gained since the previous frame
    before = yaw + torch.cumsum(turn, dim=-1) - turn
    steps = _turn_xz(feats[..., [0, 2]], before)
    out = feats.clone()
    xz = torch.cumsum(steps, dim=-2) + torch.tensor(start, dtype=feats.dtype)
    out[..., 0], out[..., 2] = xz[..., 0], xz[..., 1]
    out[..., 3:9] = matrix_to_rotation_6d(yaw_matrix(before) @ pelvis)
    return out


def turn_features(feats: torch.Tensor, yaw: float,
                  shift: tuple[float, float] = (0.0, 0.0)) -> torch.Tensor:
    """(..., T, 147) features of the same dance turned by ``yaw`` about world y (through the
    origin) and then moved by ``shift`` (x, z) over the floor."""
    turn = yaw_matrix(torch.tensor(yaw, dtype=feats.dtype))
    mats, root = decode_matrices(feats)
    out = feats.clone()
    out[..., :3] = root @ turn.T + torch.tensor([shift[0], 0.0, shift[1]], dtype=feats.dtype)
    out[..., 3:9] = matrix_to_rotation_6d(turn @ mats[..., 0, :, :])
    return out


def canonical_root(motion: np.ndarray) -> np.ndarray:
    """Shift a (T, 147) window so its first frame's root is above the origin (x = z = 0)."""
    out = motion.copy()
    out[:, [0, 2]] -= motion[:1, [0, 2]]
    return out


def canonical_root_t(motion: torch.Tensor) -> torch.Tensor:
    """Batched :func:`canonical_root` for (B, T, 147) tensors."""
    return motion - pad_root(root_offset(motion))


def root_offset(motion: torch.Tensor) -> torch.Tensor:
    """(B, T, 147) -> (B, 1, 3): the first frame's root x and z, and 0 for its height (a
    window is moved over the floor, never up or down)."""
    offset = motion[:, :1, :3].clone()
    offset[..., 1] = 0
    return offset


def pad_root(offset: torch.Tensor) -> torch.Tensor:
    """(B, 1, 3) root offset -> (B, 1, 147), zero on the rotation part."""
    return F.pad(offset, (0, MOTION_DIM - 3))


__all__ = ["JOINTS", "MOTION_DIM", "SKELETON", "canonical_root", "canonical_root_t",
           "decode_matrices", "encode_motion", "features_to_motion", "from_heading_free",
           "heading", "heading_free_features", "joint_positions", "mirror_features",
           "motion_to_features",
           "pad_root", "root_offset", "turn_features", "yaw_matrix"]
