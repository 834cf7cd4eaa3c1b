"""A 3D dancer filmed by a given camera: the figure (sticks or the capsule body), its ground
shadow and the sky-and-floor backdrop, apart from how the camera was chosen.

Skeleton videos choose a following camera per panel (:mod:`dancekit.render.panels`); motion
transfer needs pictures of a dancer seen by the very camera its keypoints were projected
with, so that the picture and the keypoints agree exactly. Both draw through this module.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion
from dancekit.motion.filters import gaussian_smooth, running_rank
from dancekit.motion.skeletons import Skeleton
from dancekit.render.body import HEAD_RADIUS_M, bone_radii, draw_body, joint_radii
from dancekit.render.camera import Camera
from dancekit.render.draw import draw_figure, draw_segments
from dancekit.render.style import (
    DEFAULT_THEME,
    Theme,
    bone_sides,
    head_joint,
    joint_sides,
    side_colours,
)


def gradient(rows: np.ndarray, top, bottom, width: int) -> np.ndarray:
    """(len(rows), width, 3) uint8 rows blending ``top`` (t=0) to ``bottom`` (t=1)."""
    t = np.clip(rows, 0, 1)[:, None]
    line = (1 - t) * np.asarray(top, np.float32) + t * np.asarray(bottom, np.float32)
    return np.repeat(np.rint(line).astype(np.uint8)[:, None], width, axis=1)


def floor_heights(positions: np.ndarray, fps: float) -> np.ndarray:
    """Floor height per frame (N,) under a 3D motion, metres.

    The level the feet rest on: a low percentile of each frame's lowest joint over a
    two-second window, smoothed. A jump does not lift it, a one-frame marker glitch does
    not sink it, and capture data whose vertical drifts (the ballroom set rises by up to
    0.4 m over a sequence) keeps its feet on the drawn floor instead of floating above it.
    For a clean motion on a level floor it is constant.
    """
    lowest = positions[..., 1].min(axis=1).astype(np.float64)
    window = max(1, min(len(lowest), int(2 * fps) | 1))
    level = running_rank(lowest, window, int(window * 0.1))  # the 10th percentile
    if len(level) > 1:
        level = gaussian_smooth(level, 0.5 * fps, mode="nearest")
    return level


def backdrop(camera: Camera, theme: Theme, width: int, height: int) -> np.ndarray:
    """(height, width, 3) uint8 sky above the camera's horizon and hazy floor below it: with
    the camera's orientation fixed for a clip, the same picture behind every frame."""
    horizon = camera.horizon_row()
    rows = np.arange(height, dtype=np.float32)
    sky = gradient(rows / max(horizon, 1.0), theme.sky_top, theme.sky_horizon, width)
    floor_t = np.clip((rows - horizon) / max(height - horizon, 1.0), 0, 1) ** 0.6
    floor = gradient(floor_t, theme.floor_far, theme.floor_near, width)
    return np.where((rows < horizon)[:, None, None], sky, floor)


class Figure3D:
    """What is the same in every frame of one skeleton's figure: bones, colours by side and
    the sizes of its parts, in metres (``look`` ``"sticks"``: thin bones and joint discs;
    ``"body"``: capsules of a person's proportions, :mod:`dancekit.render.body`)."""

    def __init__(self, skeleton: Skeleton, theme: Theme, look: str) -> None:
        self.theme = theme
        self.body = look == "body"
        sides = joint_sides(skeleton)
        self.bones = np.asarray(skeleton.bones, dtype=np.int64).reshape(-1, 2)
        self.bone_base = side_colours(bone_sides(skeleton, sides), theme)
        self.joint_base = side_colours(sides, theme)
        self.joint_size = np.full(skeleton.num_joints, theme.joint_radius_m, np.float32)
        self.bone_size = np.full(len(self.bones), theme.bone_radius_m, np.float32)
        if self.body:
            self.bone_size = bone_radii(skeleton)
            self.joint_size = joint_radii(skeleton, self.bone_size)
        self.head = head_joint(skeleton)
        if self.head is not None:
            self.joint_size[self.head] = HEAD_RADIUS_M if self.body else theme.head_radius_m

    def fit_points(self, positions: np.ndarray) -> np.ndarray:
        """``positions`` (N, J, 3) and the top of the head's disc, the points a camera must
        keep in the frame."""
        if self.head is None:
            return positions
        top = positions[:, self.head:self.head + 1] + np.float32([0, self.joint_size[self.head],
                                                                   0])
        return np.concatenate([positions, top], axis=1)


class Film:
    """A 3D motion (N, J, 3) seen by ``camera`` (one pose per camera frame) over a floor at
    ``floor`` (N,) metres: its projections prepared once, each frame's figure and shadow
    drawn on demand."""

    def __init__(self, figure: Figure3D, camera: Camera, positions: np.ndarray,
                 floor: np.ndarray) -> None:
        self.figure, self.camera = figure, camera
        self.cam_joints = camera.to_camera(positions)  # (N, J, 3)
        self.uv = camera.project(self.cam_joints)
        shadows = positions.copy()
        shadows[..., 1] = floor[:, None]
        self.uv_shadow = camera.project(camera.to_camera(shadows))
        self.distances = camera.distances
        self.shadow_widths = np.maximum(
            np.rint(2 * float(np.median(figure.bone_size)) * camera.focal / self.distances),
            1).astype(int)

    def draw(self, image: np.ndarray, i: int, visible: np.ndarray | None = None) -> None:
        """Frame ``i``'s shadow and figure on ``image``, in place; joints not ``visible``
        (J,) are left out with their bones. Parts are drawn back to front and fade towards
        the far floor's colour with depth."""
        fig, t = self.figure, self.figure.theme
        bones = fig.bones
        order_ok = None
        if visible is not None:
            bone_vis = visible[bones[:, 0]] & visible[bones[:, 1]]
            order_ok = np.concatenate([bone_vis, visible])
            shadow = self.uv_shadow[i][bones[bone_vis]]
        else:
            shadow = self.uv_shadow[i][bones]
        draw_segments(image, shadow, t.shadow, int(self.shadow_widths[i]))

        cam = self.cam_joints[i]
        z = np.maximum(cam[:, 2], 0.05)
        zb = z[bones].mean(axis=1)
        focal, dist = self.camera.focal, self.distances[i]
        depth = np.concatenate([zb, z])
        shade = np.clip((depth - dist) / t.shade_depth_m, -1, 1)
        fog = (t.shade_strength * (shade + 1) / 2)[:, None]
        colours = np.concatenate([fig.bone_base, fig.joint_base]) * (1 - fog) + \
            np.asarray(t.floor_far, np.float32) * fog
        n = len(bones)
        order = np.argsort(-depth, kind="stable")
        if order_ok is not None:
            order = order[order_ok[order]]
        draw = draw_body if fig.body else draw_figure
        draw(image, self.uv[i], bones, colours[:n], 2 * fig.bone_size * focal / zb,
             colours[n:], fig.joint_size * focal / z, order)


def filmed_body(motion: Motion, camera: Camera, width: int, height: int, *,
                theme: Theme = DEFAULT_THEME) -> Iterator[np.ndarray]:
    """The frames, each a new (height, width, 3) uint8 RGB image, of a 3D ``motion`` drawn as
    the capsule body by ``camera`` (one camera frame per motion frame), over the sky and
    floor with a ground shadow (at :func:`floor_heights`).

    The camera is the caller's: a still one turns the motion into a video of a person dancing
    in front of a fixed camera, whose 2D keypoints are that camera's projection of the
    joints, known exactly.
    """
    if motion.is_2d:
        raise ParameterError("filming a body needs a 3D motion (got 2D keypoints)")
    if len(camera.positions) != len(motion):
        raise ParameterError(f"the camera has {len(camera.positions)} frames, the motion "
                             f"{len(motion)}")
    positions = motion.positions.astype(np.float32)
    floor = floor_heights(positions, motion.fps)
    film = Film(Figure3D(motion.skeleton, theme, "body"), camera, positions, floor)
    background = backdrop(camera, theme, width, height)
    for i in range(len(positions)):
        image = background.copy()
        film.draw(image, i)
        yield image
