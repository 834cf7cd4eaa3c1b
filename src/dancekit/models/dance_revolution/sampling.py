"""Whole-song generation in one pass, and the pose form the decoder reads and writes.

The encoder is local and the decoder recurrent, so a song of any length is encoded at once
(memory linear in its length) and danced frame by frame with no sliding window. The decoder
sees each pose with the root's x and z replaced by their change since the previous frame,
so where the dancer stands never leaves the range it was trained on (with ``heading_free``
also where it faces: the change is in the dancer's own frame and the heading a turn since the
previous frame); :func:`from_steps` adds the changes up again.
"""

from __future__ import annotations

import numpy as np
import torch

from dancekit.models.dance_revolution.network import DanceRevolutionNetwork
from dancekit.models.representation import from_heading_free, heading_free_features

TRAVEL = [0, 2]  # the root's x and z among the 147 numbers


def to_steps(motion: np.ndarray, heading_free: bool = False) -> np.ndarray:
    """(T, 147) motion features -> the same with root x, z as per-frame changes (the first
    frame's change is 0). ``heading_free``: the changes in the dancer's own frame and the
    pelvis's heading as its turn since the previous frame
    (:func:`~dancekit.models.representation.heading_free_features`)."""
    if heading_free:
        return heading_free_features(torch.from_numpy(motion)).numpy()
    out = motion.copy()
    out[1:, TRAVEL] = np.diff(motion[:, TRAVEL], axis=0)
    out[0, TRAVEL] = 0.0
    return out


def from_steps(steps: torch.Tensor, heading_free: bool = False, yaw: float = 0.0,
               start: tuple[float, float] = (0.0, 0.0)) -> torch.Tensor:
    """(..., T, 147) poses with root changes -> motion features: the changes added up from
    root x, z ``start`` (the first frame's change taken from there). ``heading_free``: the
    inverse of that form of :func:`to_steps`, turning from heading ``yaw`` (radians, 0 is
    +z) before the first frame; without it the rotations are the world's and ``yaw`` is
    unused."""
    if heading_free:
        return from_heading_free(steps, yaw, start)
    out = steps.clone()
    out[..., TRAVEL] = torch.cumsum(steps[..., TRAVEL], dim=-2) + torch.tensor(
        start, dtype=steps.dtype)
    return out


def generate_steps(net: DanceRevolutionNetwork, music: torch.Tensor, frames: int,
                   start: torch.Tensor, style: torch.Tensor,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Dance ``frames`` frames (B, frames, 147, raw step form) to raw music features
    (B, >= frames, D) from a first pose (B, 147, step form), style indices (B,)
    (``len(styles)``: none) and the initial state drawn from ``generator``."""
    net.eval()
    with torch.no_grad():
        heard = net.encode_music(music[:, :frames], style)
        state = net.initial_state(len(start), generator)
        pose = (start - net.motion_mean) / net.motion_std
        out = [pose]
        for t in range(1, frames):
            pose, state = net.step(pose, heard[:, t], state)
            out.append(pose)
        return torch.stack(out, dim=1) * net.motion_std + net.motion_mean
