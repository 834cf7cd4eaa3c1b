"""The body look (``dancekit render --look body``): capsules of a person's proportions on a
real capture, wider than the default sticks and shaded, and refused names; and the body
filmed by a given camera (the motion-transfer target), lying on that camera's keypoints."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dancekit.errors import ParameterError
from dancekit.io.ballroom import load_ballroom
from dancekit.models.transfer.poses import on_body25, project_3d, still_camera
from dancekit.motion.mapping import retarget
from dancekit.motion.skeletons import get_skeleton
from dancekit.render import DEFAULT_THEME, SkeletonRenderer, Theme
from dancekit.render.body import bone_radii, joint_radii
from dancekit.render.figure import backdrop, filmed_body

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


def _filmed(motion, width: int, height: int):
    """``motion`` filmed by the transfer model's still camera, its BODY_25 keypoints and the
    empty scene behind it."""
    camera = still_camera(on_body25(motion), width, height)
    return np.stack(list(filmed_body(motion, camera, width, height))), \
        project_3d(motion, width, height), backdrop(camera, DEFAULT_THEME, width, height)


def test_a_body_filmed_by_the_still_camera_lies_on_its_projected_keypoints(
        ballroom_dir: Path) -> None:
    motion = retarget(load_ballroom(ballroom_dir / "DANCE_C_7")[:150], "smpl24")
    frames, poses, background = _filmed(motion, 160, 100)
    assert frames.shape == (150, 100, 160, 3) and frames.dtype == np.uint8
    dancer = np.abs(frames.astype(np.int32) - background).sum(axis=3) > 60
    body25 = get_skeleton("body25")
    trunk_and_legs = [body25.index(j) for j in ("neck", "mid_hip", "left_hip", "right_hip",
                                                "left_knee", "right_knee")]
    xy = np.rint(poses.positions[:, trunk_and_legs]).astype(int)
    inside = (xy >= 0).all(-1) & (xy[..., 0] < 160) & (xy[..., 1] < 100)
    assert inside.mean() > 0.95
    t = np.broadcast_to(np.arange(150)[:, None], xy.shape[:2])[inside]
    on_body = dancer[t, xy[inside][:, 1], xy[inside][:, 0]]
    assert on_body.mean() > 0.95, on_body.mean()
    # and the body is where the keypoints are, not everywhere: a fifth of the frame at most
    assert dancer.mean() < 0.2


def test_the_same_dance_seen_at_twice_the_size_is_the_same_picture(ballroom_dir: Path) -> None:
    """Why a target can be rendered larger than the model's frame: the keypoints scale."""
    motion = retarget(load_ballroom(ballroom_dir / "DANCE_C_7")[:40], "smpl24")
    small, at_small, _ = _filmed(motion, 128, 80)
    large, at_large, _ = _filmed(motion, 256, 160)
    assert np.abs(at_large.positions - 2 * at_small.positions).max() < 1e-3
    shrunk = large.reshape(40, 80, 2, 128, 2, 3).mean(axis=(2, 4))
    assert np.abs(shrunk - small).mean() < 6


def test_filming_needs_a_3d_motion_and_a_camera_frame_per_motion_frame(
        ballroom_dir: Path) -> None:
    motion = retarget(load_ballroom(ballroom_dir / "DANCE_C_7")[:20], "smpl24")
    camera = still_camera(on_body25(motion), 64, 48)
    with pytest.raises(ParameterError, match="the camera has 20 frames, the motion 10"):
        next(filmed_body(motion[:10], camera, 64, 48))
    with pytest.raises(ParameterError, match="needs a 3D motion"):
        next(filmed_body(project_3d(motion, 64, 48), camera, 64, 48))
