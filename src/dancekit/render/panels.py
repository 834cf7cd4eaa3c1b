"""One panel of a video: a single dancer, framed on its own.

:class:`Panel3D` films world-space motion with a following perspective camera over a floor
grid with ground shadows; :class:`Panel2D` fits image keypoints into the panel. Both prepare
everything that is the same for every frame (camera, projections, background, title) once,
so drawing a frame is a copy of the background plus a few dozen OpenCV calls.
"""

from __future__ import annotations

import cv2
import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.skeletons import Skeleton
from dancekit.render.camera import facing_angle, follow_camera
from dancekit.render.draw import draw_figure, draw_segments, visible_order
from dancekit.render.figure import Figure3D, Film, backdrop, floor_heights, gradient
from dancekit.render.grid import FloorGrid
from dancekit.render.style import (
    Theme,
    bone_sides,
    joint_sides,
    side_colours,
)

#: Azimuth of the camera from the dancer's average facing: a 3/4 view.
VIEW_ANGLE = np.radians(35.0)


def _draw_title(image: np.ndarray, title: str, theme: Theme, *,
                bottom: bool = False) -> None:
    """``title`` centred at the top of the panel (or at the ``bottom``), in place."""
    size = image.shape[0]
    scale = max(0.4, 0.65 * size / 512)  # below 0.4 Hershey letters are unreadable
    thick = max(1, round(size / 512))
    (tw, th), base = cv2.getTextSize(title, cv2.FONT_HERSHEY_DUPLEX, scale, thick)
    margin = int(0.045 * size)
    row = size - margin - base if bottom else margin + th
    org = (max(4, (image.shape[1] - tw) // 2), row)
    cv2.putText(image, title, org, cv2.FONT_HERSHEY_DUPLEX, scale, theme.text, thick,
                cv2.LINE_AA)


#: Share of its colour a panel keeps once its motion has ended, and its brightness then.
ENDED_COLOUR, ENDED_BRIGHTNESS = 0.2, 0.55


def show_ended(image: np.ndarray, seconds: float, theme: Theme) -> np.ndarray:
    """``image`` greyed and dimmed, labelled "ended at <seconds> s".

    Side by side, a shorter motion holds its last pose until the longest one ends; unmarked,
    that pose looks like a dancer standing still, and a viewer comparing two dances would
    judge the wrong thing.
    """
    rgb = image.astype(np.float32)
    grey = rgb.mean(axis=2, keepdims=True)
    out = np.rint(ENDED_BRIGHTNESS * (ENDED_COLOUR * rgb + (1 - ENDED_COLOUR) * grey))
    out = out.astype(np.uint8)
    _draw_title(out, f"ended at {seconds:.1f} s", theme, bottom=True)
    return out


class _Ending:
    """What panels share about a motion that stops before the video does: from output frame
    ``end[0]`` on, the panel is drawn by :func:`show_ended` with the motion's length
    ``end[1]`` in seconds."""

    end: tuple[int, float] | None = None
    theme: Theme

    def _finish(self, image: np.ndarray, i: int) -> np.ndarray:
        if self.end is not None and i >= self.end[0]:
            return show_ended(image, self.end[1], self.theme)
        return image


class Panel3D(_Ending):
    """A 3D motion filmed by a following camera.

    Parameters
    ----------
    positions : ndarray (N, J, 3)
        One row per output frame, metres, y up.
    confidence : ndarray (N, J) or None
        Joints below ``min_confidence`` (e.g. those a skeleton mapping could not supply)
        are not drawn, nor are their bones and shadows.
    skeleton : Skeleton
    fps : float
        Output frame rate (the camera's smoothing is set in seconds).
    size : int
        Panel width and height, pixels.
    title : str or None
        Drawn at the top; the camera leaves room for it.
    theme : Theme
    min_confidence : float
    end : (int, float) or None
        When the motion is shorter than the video: the first output frame after its end and
        its length in seconds; the panel shows from then on that it ended.
    look : str
        ``"sticks"`` (thin bones and joint discs) or ``"body"`` (shaded capsules of a
        person's proportions, :mod:`dancekit.render.body`).
    """

    def __init__(self, positions: np.ndarray, confidence: np.ndarray | None,
                 skeleton: Skeleton, fps: float, size: int, title: str | None, theme: Theme,
                 min_confidence: float, end: tuple[int, float] | None = None,
                 look: str = "sticks") -> None:
        self.size, self.theme, self.end = size, theme, end
        hidden = confidence is not None and bool((confidence < min_confidence).any())
        self.visible = confidence >= min_confidence if hidden else None
        self.figure = figure = Figure3D(skeleton, theme, look)
        self.floor = floor_heights(positions, fps)
        self.camera = cam = follow_camera(
            figure.fit_points(positions), self.floor, fps=fps, width=size, height=size,
            azimuth=facing_angle(positions, joint_sides(skeleton)) + VIEW_ANGLE,
            top_margin=0.2 if title else 0.0)
        self.film = Film(figure, cam, positions, self.floor)
        self.grid = FloorGrid(cam, self.floor, theme, size)
        self.background = backdrop(cam, theme, size, size)
        if title:
            _draw_title(self.background, title, theme)

    def draw(self, i: int) -> np.ndarray:
        """Frame ``i`` of the panel as a new (size, size, 3) uint8 RGB image."""
        image = self.background.copy()
        self.grid.draw(image, i)
        self.film.draw(image, i, None if self.visible is None else self.visible[i])
        return self._finish(image, i)


class Panel2D(_Ending):
    """Image keypoints fitted into a square panel, low-confidence keypoints skipped.

    The framing is fixed for the clip (the confident keypoints' extent), so travel across
    the original image stays visible; a faint line marks the feet's usual level.

    Parameters
    ----------
    positions : ndarray (N, J, 2)
        Pixel coordinates, x right, y down, one row per output frame.
    confidence : ndarray (N, J) or None
    skeleton : Skeleton
    size : int
    title : str or None
    theme : Theme
    min_confidence : float
        Keypoints with a lower confidence are neither drawn nor used for the framing.
    name : str
        How to call the motion in an error message.
    end : (int, float) or None
        As for :class:`Panel3D`.
    """

    def __init__(self, positions: np.ndarray, confidence: np.ndarray | None,
                 skeleton: Skeleton, size: int, title: str | None, theme: Theme,
                 min_confidence: float, name: str,
                 end: tuple[int, float] | None = None) -> None:
        self.size, self.theme, self.end = size, theme, end
        visible = np.ones(positions.shape[:2], bool) if confidence is None else \
            confidence >= min_confidence
        if not visible.any():
            raise ParameterError(f"{name}: no keypoint has confidence >= {min_confidence}")
        self.visible = visible
        pts = positions[visible]
        # Extent of the confident keypoints, ignoring stray detections far outside the bulk.
        lo, hi = np.percentile(pts, 1, axis=0), np.percentile(pts, 99, axis=0)
        body = np.maximum(hi - lo, 1.0)
        keep = ((pts >= lo - 0.5 * body) & (pts <= hi + 0.5 * body)).all(axis=1)
        lo, hi = pts[keep].min(axis=0), pts[keep].max(axis=0)
        top = 0.12 if title else 0.06
        avail = size * np.array([1 - 2 * 0.06, 1 - top - 0.06])
        scale = float(np.min(avail / np.maximum(hi - lo, 1e-3)))
        centre_out = np.array([size / 2, size * (top + (1 - top - 0.06) / 2)])
        self.uv = ((positions - (lo + hi) / 2) * scale + centre_out).astype(np.float32)
        sides = joint_sides(skeleton)
        self.bones = np.asarray(skeleton.bones, dtype=np.int64).reshape(-1, 2)
        self.bone_colours = side_colours(bone_sides(skeleton, sides), theme)
        self.joint_colours = side_colours(sides, theme)
        self.bone_widths = np.full(len(self.bones), theme.bone_width_2d * size, np.float32)
        self.joint_radii = np.full(skeleton.num_joints, theme.joint_radius_2d * size, np.float32)

        rows = np.arange(size, dtype=np.float32) / size
        self.background = gradient(rows, theme.sky_top, theme.floor_far, size)
        feet = np.where(visible, self.uv[..., 1], -np.inf).max(axis=1)
        feet = feet[np.isfinite(feet)]
        ground = float(np.percentile(feet, 90)) + theme.joint_radius_2d * size
        line = np.array([[[0.04 * size, ground], [0.96 * size, ground]]])
        draw_segments(self.background, line, theme.grid, max(1, round(size / 400)))
        if title:
            _draw_title(self.background, title, theme)

    def draw(self, i: int) -> np.ndarray:
        """Frame ``i`` of the panel as a new (size, size, 3) uint8 RGB image."""
        image = self.background.copy()
        draw_figure(image, self.uv[i], self.bones, self.bone_colours, self.bone_widths,
                    self.joint_colours, self.joint_radii, visible_order(self.bones,
                                                                        self.visible[i]))
        return self._finish(image, i)
