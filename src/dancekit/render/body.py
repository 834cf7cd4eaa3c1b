"""The proportions of the body look: a capsule around each bone, thick at the trunk and
thighs, thin at the hands and feet, and a ball for the head.

Made from the joint names alone (``left_``/``right_`` dropped), so it fits every registered
skeleton and per-file BVH skeletons that use the same words, without any body model file.
The browser viewer of ``dancekit serve`` and ``dancekit render --look body`` both read these
radii, so the two show the same body.
"""

from __future__ import annotations

import numpy as np

from dancekit.motion.skeletons import Skeleton

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
