"""The body look (``dancekit render --look body``): capsules of a person's proportions on a
real capture, wider than the default sticks and shaded, and refused names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dancekit.errors import ParameterError
from dancekit.io.ballroom import load_ballroom
from dancekit.motion.skeletons import get_skeleton
from dancekit.render import DEFAULT_THEME, SkeletonRenderer, Theme
from dancekit.render.body import bone_radii, joint_radii

#: Grid and shadow in the floor's colour, so what differs from the background is the dancer.
PLAIN = Theme(grid=DEFAULT_THEME.floor_far, shadow=DEFAULT_THEME.floor_far)


def _draw(motion, look: str) -> tuple[np.ndarray, np.ndarray]:
    """Frame 50 and the mask of the dancer's pixels in it."""
    scene = SkeletonRenderer(motion, size=256, look=look, theme=PLAIN)
    image = scene.frame(50)
    diff = np.abs(image.astype(np.int32) - scene.panels[0].background).sum(axis=2)
    return image, diff > 60


def test_body_is_a_thicker_shaded_figure_of_the_same_dancer(ballroom_dir: Path) -> None:
    motion = load_ballroom(ballroom_dir / "DANCE_C_2")[:100]
    sticks, thin = _draw(motion, "sticks")
    body, thick = _draw(motion, "body")
    # limbs 2 to 4 times as wide as the sticks, over the same bone lengths and head
    assert thick.sum() > 1.3 * thin.sum(), (thin.sum(), thick.sum())
    # the same place in the picture: the body covers most of the sticks' pixels
    assert (thin & thick).sum() > 0.8 * thin.sum()
    # shaded: each side's limbs show a dark and a light tone, not one flat colour
    blue = body[thick & (body[..., 2] > body[..., 0] + 60)].astype(np.int32).sum(axis=1)
    assert np.percentile(blue, 90) - np.percentile(blue, 10) > 80


def test_proportions_follow_the_body_parts() -> None:
    smpl = get_skeleton("smpl24")
    by_child = {smpl.joints[b]: r for (_, b), r in zip(smpl.bones, bone_radii(smpl).tolist(),
                                                         strict=True)}
    trunk, thigh, shin = by_child["spine1"], by_child["left_knee"], by_child["left_ankle"]
    foot, upper, hand = by_child["left_foot"], by_child["left_elbow"], by_child["left_hand"]
    assert trunk > thigh > shin > foot and upper > hand
    assert by_child["left_knee"] == by_child["right_knee"]
    j = smpl.index
    balls = joint_radii(smpl, bone_radii(smpl))
    assert balls[j("left_knee")] == pytest.approx(thigh)  # the thicker of thigh and shin


def test_an_unknown_look_is_refused(ballroom_dir: Path) -> None:
    motion = load_ballroom(ballroom_dir / "DANCE_C_2")[:10]
    with pytest.raises(ParameterError, match="look must be one of sticks, body"):
        SkeletonRenderer(motion, look="mesh")
