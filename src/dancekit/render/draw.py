"""Drawing primitives on HxWx3 uint8 RGB images (OpenCV, anti-aliased, sub-pixel).

Coordinates are passed to OpenCV in fixed point (:data:`SHIFT` fractional bits), so a joint
moving by a fraction of a pixel moves on screen too: without it, slow motion visibly steps.
"""

from __future__ import annotations

import cv2
import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.skeletons import Skeleton, get_skeleton
from dancekit.render.style import DEFAULT_THEME, Theme, bone_sides, joint_sides, side_colours

SHIFT = 4
_ONE = 1 << SHIFT
# Far beyond any frame, but well inside int32 after the fixed-point shift.
_LIMIT = 1 << 22


def fixed(points: np.ndarray) -> np.ndarray:
    """Pixel coordinates (float) -> OpenCV fixed-point int32."""
    return np.clip(np.rint(points * _ONE), -_LIMIT, _LIMIT).astype(np.int32)


def draw_segments(image: np.ndarray, segments: np.ndarray, colour, thickness: int = 1) -> None:
    """Draw many line segments (n, 2, 2) in one colour and width with one OpenCV call."""
    draw_fixed_segments(image, fixed(segments), colour, thickness)


def draw_fixed_segments(image: np.ndarray, segments: np.ndarray, colour,
                        thickness: int = 1) -> None:
    """:func:`draw_segments` for end points already in fixed point (:func:`fixed`)."""
    if len(segments):
        cv2.polylines(image, list(segments), False, colour, thickness, cv2.LINE_AA, SHIFT)


def visible_order(bones: np.ndarray, visible: np.ndarray) -> np.ndarray:
    """Painter's order for :func:`draw_figure` when there is no depth: the bones whose two
    ends are visible, then the visible joints on top."""
    keep = visible[bones[:, 0]] & visible[bones[:, 1]]
    return np.concatenate([np.flatnonzero(keep), len(bones) + np.flatnonzero(visible)])


def draw_figure(
    image: np.ndarray,
    uv: np.ndarray,
    bones: np.ndarray,
    bone_colours: np.ndarray,
    bone_widths: np.ndarray,
    joint_colours: np.ndarray,
    joint_radii: np.ndarray,
    order: np.ndarray,
) -> None:
    """Draw bones and joint discs as one list of primitives in the given painter's order.

    Parameters
    ----------
    uv : ndarray (J, 2)
        Joint pixel positions.
    bones : ndarray (B, 2) int
        Joint index pairs.
    bone_colours, joint_colours : ndarray (B, 3), (J, 3)
        RGB per primitive.
    bone_widths, joint_radii : ndarray (B,), (J,)
        Line width and disc radius in pixels; a radius <= 0 hides the joint.
    order : ndarray (K,) int
        Primitives to draw, back to front: ``k < B`` is bone ``k``, ``k >= B`` joint ``k - B``.
    """
    pts = fixed(uv).tolist()
    radii = np.rint(joint_radii * _ONE).astype(np.int64).tolist()
    widths = np.maximum(np.rint(bone_widths), 1).astype(np.int64).tolist()
    colours = np.concatenate([bone_colours, joint_colours]).tolist()
    pairs = bones.tolist()
    n_bones = len(pairs)
    for k in order.tolist():
        if k < n_bones:
            a, b = pairs[k]
            cv2.line(image, pts[a], pts[b], colours[k], widths[k], cv2.LINE_AA, SHIFT)
        elif radii[k - n_bones] > 0:
            cv2.circle(image, pts[k - n_bones], radii[k - n_bones], colours[k], -1,
                       cv2.LINE_AA, SHIFT)


def draw_keypoints(
    image: np.ndarray,
    keypoints: np.ndarray,
    skeleton: Skeleton | str,
    *,
    confidence: np.ndarray | None = None,
    min_confidence: float = 0.3,
    width: float = 4.0,
    theme: Theme = DEFAULT_THEME,
) -> np.ndarray:
    """Draw one pose's 2D keypoints as a left/right coloured stick figure, in place.

    Meant for pose-conditioned image models as much as for previews: keypoints are drawn in
    the image's own pixel coordinates, without any refitting.

    Parameters
    ----------
    image : ndarray (H, W, 3) uint8
        RGB image, drawn on in place (and returned).
    keypoints : ndarray (J, 2)
        Pixel coordinates, x right, y down.
    skeleton : Skeleton or str
        Defines the bones and sides.
    confidence : ndarray (J,), optional
        Keypoints below ``min_confidence`` are skipped with their bones.
    width : float
        Bone width in pixels; joints are drawn slightly wider.
    """
    skel = get_skeleton(skeleton)
    kp = np.asarray(keypoints, dtype=np.float32)
    if kp.shape != (skel.num_joints, 2):
        raise ParameterError(f"keypoints must have shape ({skel.num_joints}, 2) for "
                             f"{skel.name}, got {kp.shape}")
    if not (isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.ndim == 3
            and image.shape[2] == 3 and image.flags.c_contiguous):
        raise ParameterError("image must be a contiguous (H, W, 3) uint8 array")
    visible = np.ones(skel.num_joints, bool) if confidence is None else \
        np.asarray(confidence) >= min_confidence
    visible &= np.isfinite(kp).all(axis=1)
    sides = joint_sides(skel)
    bones = np.asarray(skel.bones, dtype=np.int64).reshape(-1, 2)
    draw_figure(image, np.nan_to_num(kp), bones, side_colours(bone_sides(skel, sides), theme),
                np.full(len(bones), width), side_colours(sides, theme),
                np.full(len(kp), width * 0.7), visible_order(bones, visible))
    return image
