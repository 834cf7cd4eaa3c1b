"""The proportions of the body look: a capsule around each bone, thick at the trunk and
thighs, thin at the hands and feet, and a ball for the head.

Made from the joint names alone (``left_``/``right_`` dropped), so it fits every registered
skeleton and per-file BVH skeletons that use the same words, without any body model file.
The browser viewer of ``dancekit serve`` and ``dancekit render --look body`` both read these
radii, so the two show the same body.
"""

from __future__ import annotations

import cv2
import numpy as np

from dancekit.motion.skeletons import Skeleton
from dancekit.render.draw import SHIFT, fixed

#: Capsule radius (metres) of a bone by the part its child joint names, first match wins;
#: adult proportions, slightly slimmed so crossing limbs stay apart.
PART_RADII_M: tuple[tuple[tuple[str, ...], float], ...] = (
    (("spine", "chest", "abdomen", "torso"), 0.105),
    (("hip", "pelvis"), 0.08),
    (("knee",), 0.065),
    (("ankle", "heel", "shin"), 0.05),
    (("foot", "toe"), 0.036),
    (("collar", "clavicle"), 0.06),
    (("shoulder",), 0.06),
    (("elbow",), 0.045),
    (("wrist", "forearm"), 0.038),
    (("hand", "finger", "thumb"), 0.03),
    (("neck",), 0.055),
    (("head", "nose", "eye", "ear"), 0.05),
)
DEFAULT_RADIUS_M = 0.04
HEAD_RADIUS_M = 0.1


def part_radius(joint: str) -> float:
    """Capsule radius of the bone ending at ``joint`` (see :data:`PART_RADII_M`)."""
    part = joint.removeprefix("left_").removeprefix("right_")
    for words, radius in PART_RADII_M:
        if any(w in part for w in words):
            return radius
    return DEFAULT_RADIUS_M


def bone_radii(skeleton: Skeleton) -> np.ndarray:
    """(B,) float32 capsule radius of each of ``skeleton.bones``, in metres.

    A bone joining the two sides (hip to hip, shoulder to shoulder) is the width of the trunk,
    not a limb, so it takes the trunk's radius at the thinner limb end.
    """
    bones = np.asarray(skeleton.bones, dtype=np.int64).reshape(-1, 2)
    names = skeleton.joints
    sides = skeleton.sides
    radii = [part_radius(names[b]) if sides[a] * sides[b] >= 0
             else min(part_radius(names[a]), part_radius(names[b]))
             for a, b in bones.tolist()]
    return np.asarray(radii, dtype=np.float32)


def joint_radii(skeleton: Skeleton, radii: np.ndarray) -> np.ndarray:
    """(J,) radius of the ball at each joint: the thickest bone meeting there, so a bend
    (elbow, knee) is round and no thinner than the limb; a joint of no bone gets the default."""
    bones = np.asarray(skeleton.bones, dtype=np.int64).reshape(-1, 2)
    out = np.zeros(skeleton.num_joints, np.float32)
    np.maximum.at(out, bones[:, 0], radii)
    np.maximum.at(out, bones[:, 1], radii)
    return np.where(out > 0, out, DEFAULT_RADIUS_M).astype(np.float32)


def draw_body(image: np.ndarray, uv: np.ndarray, bones: np.ndarray, bone_colours: np.ndarray,
              bone_widths: np.ndarray, joint_colours: np.ndarray, joint_radii_px: np.ndarray,
              order: np.ndarray) -> None:
    """Draw capsules and balls back to front, each with a lighter band on its upper side (the
    light comes from above), so limbs read as round solids rather than flat strokes.

    Arguments as :func:`dancekit.render.draw.draw_figure`; each primitive is drawn whole
    (shade, then its highlight) before the next, so a nearer limb covers a farther one's
    highlight too.
    """
    one = 1 << SHIFT
    n = len(bones)
    sizes = np.concatenate([bone_widths / 2, joint_radii_px])
    colours = np.concatenate([bone_colours, joint_colours])
    dark = (colours * 0.72).tolist()
    light = np.minimum(colours * 0.85 + 255 * 0.25, 255).tolist()
    lift = np.stack([np.zeros_like(sizes), -0.3 * sizes], axis=1)  # pixels, up the image
    for k in order.tolist():
        r = float(sizes[k])
        if r <= 0:
            continue
        if k < n:
            a, b = uv[bones[k, 0]], uv[bones[k, 1]]
            ends = fixed(np.stack([a, b]))
            cv2.line(image, ends[0].tolist(), ends[1].tolist(), dark[k],
                     max(1, round(2 * r)), cv2.LINE_AA, SHIFT)
            top = fixed(np.stack([a, b]) + lift[k])
            cv2.line(image, top[0].tolist(), top[1].tolist(), light[k],
                     max(1, round(0.9 * r)), cv2.LINE_AA, SHIFT)
        else:
            centre = uv[k - n]
            cv2.circle(image, fixed(centre).tolist(), round(r * one), dark[k], -1,
                       cv2.LINE_AA, SHIFT)
            cv2.circle(image, fixed(centre + lift[k]).tolist(), round(0.55 * r * one),
                       light[k], -1, cv2.LINE_AA, SHIFT)
