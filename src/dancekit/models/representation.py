"""The motion representation the learned models share: SMPL-24 local rotations as 6D
(Zhou et al. 2019) and the root translation, 147 numbers a frame.

6D rotations are continuous (axis-angle wraps around), so a network can regress them; joint
positions come back through forward kinematics, which the position losses and the metrics
need. Windows are seen relative to where their root starts (x and z; height is kept), so a
dance may travel anywhere without leaving the range the network was trained on.
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
           "decode_matrices", "encode_motion", "features_to_motion", "joint_positions",
           "motion_to_features", "pad_root", "root_offset"]
