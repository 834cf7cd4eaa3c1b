"""A 3D dance as single-channel silhouettes: the capsule body of :mod:`dancekit.render.body`
filled in one grey level on black, filmed by the same following camera as ``render --look
body``.

Image models that learn dancers as pictures (DanceNet) read these masks: the dancer's shape
with the background removed, as a segmentation of a video would give it, but from motion
capture, so thousands of frames come with their music and without a detector.
"""

from __future__ import annotations

import cv2
import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion
from dancekit.render.body import HEAD_RADIUS_M, bone_radii, joint_radii
from dancekit.render.camera import facing_angle, follow_camera
from dancekit.render.draw import SHIFT, fixed
from dancekit.render.panels import VIEW_ANGLE, floor_heights
from dancekit.render.style import head_joint, joint_sides

#: DanceNet's image size (height, width): 120 x 208, landscape, as its published model reads.
SILHOUETTE_SHAPE = (120, 208)


def silhouettes(motion: Motion, *, height: int = SILHOUETTE_SHAPE[0],
                width: int = SILHOUETTE_SHAPE[1]) -> np.ndarray:
    """(T, height, width) uint8 masks of ``motion`` (255 on the body, 0 elsewhere, edges
    anti-aliased), one per frame.

    The camera keeps one 3/4 view of the dancer's average facing and follows the dancer
    (target and distance smoothed over about a second), so the dancer stays centred and whole
    in every frame while the limbs move; the floor and shadows of the video look are left
    out, since a segmentation would not have them either.
    """
    if motion.is_2d:
        raise ParameterError("silhouettes need a 3D motion (got 2D keypoints)")
    if not (16 <= height <= 4096 and 16 <= width <= 4096):
        raise ParameterError(f"silhouette size must be 16 to 4096 pixels a side, "
                             f"got {height}x{width}")
    positions = motion.positions.astype(np.float32)
    skeleton = motion.skeleton
    bones = np.asarray(skeleton.bones, dtype=np.int64).reshape(-1, 2)
    bone_r = bone_radii(skeleton)
    joint_r = joint_radii(skeleton, bone_r)
    head = head_joint(skeleton)
    fit = positions
    if head is not None:
        joint_r[head] = HEAD_RADIUS_M
        top = positions[:, head:head + 1] + np.float32([0, HEAD_RADIUS_M, 0])
        fit = np.concatenate([positions, top], axis=1)
    camera = follow_camera(fit, floor_heights(positions, motion.fps), fps=motion.fps,
                           width=width, height=height,
                           azimuth=facing_angle(positions, joint_sides(skeleton)) + VIEW_ANGLE)
    cam = camera.to_camera(positions)
    uv = camera.project(cam)
    depth = np.maximum(cam[..., 2], 0.05)
    out = np.zeros((len(positions), height, width), np.uint8)
    one = 1 << SHIFT
    for i in range(len(positions)):
        scale = camera.focal / depth[i]
        ends = fixed(uv[i][bones])
        widths = np.maximum(np.rint(2 * bone_r * scale[bones].mean(axis=1)), 1).astype(int)
        for (a, b), w in zip(ends.tolist(), widths.tolist(), strict=True):
            cv2.line(out[i], a, b, 255, w, cv2.LINE_AA, SHIFT)
        for c, r in zip(fixed(uv[i]).tolist(), (joint_r * scale).tolist(), strict=True):
            cv2.circle(out[i], c, round(r * one), 255, -1, cv2.LINE_AA, SHIFT)
    return out


__all__ = ["SILHOUETTE_SHAPE", "silhouettes"]
