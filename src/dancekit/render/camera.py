"""A perspective camera that follows a dancer without jumps or cropping.

The camera keeps a fixed orientation for the whole clip (a 3/4 view from slightly above,
chosen from the dancer's average facing) and only translates. Its target is the dancer's
horizontal centre, smoothed over about a second so steps do not shake the picture. Its
distance is, frame by frame, the smallest one that keeps every joint (and its ground shadow)
inside the frame with a margin, taken as a running maximum and then smoothed, so the camera
eases back before a wide movement instead of cropping it, and eases in again after. With a
fixed orientation the horizon stays on one image row, so the sky and the floor's haze can be
painted once per clip.

Camera coordinates follow OpenCV: x right, y down, z forward (depth).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.filters import gaussian_smooth, running_max


@dataclass(frozen=True)
class Camera:
    """A pinhole camera with one rotation and a position per frame.

    Parameters
    ----------
    rotation : ndarray (3, 3)
        World-to-camera rotation; its rows are the camera's right, down and forward axes.
    positions : ndarray (N, 3)
        Camera centre per frame, metres, world coordinates.
    targets : ndarray (N, 3)
        The point it looks at per frame (the image centre).
    focal : float
        Focal length in pixels.
    centre : tuple of float
        Principal point (cx, cy) in pixels.
    """

    rotation: np.ndarray
    positions: np.ndarray
    targets: np.ndarray
    focal: float
    centre: tuple[float, float]

    @property
    def distances(self) -> np.ndarray:
        """(N,) distance from the camera to its target per frame, metres."""
        return np.linalg.norm(self.positions - self.targets, axis=1)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points (N, P, 3), P per frame, -> camera coordinates (N, P, 3)."""
        rot = self.rotation.T.astype(np.float32)
        shift = (self.positions @ self.rotation.T).astype(np.float32)  # (N, 3)
        return np.asarray(points, dtype=np.float32) @ rot - shift[:, None]

    def project(self, cam: np.ndarray, near: float = 0.05) -> np.ndarray:
        """Camera coordinates (..., 3) -> pixel coordinates (..., 2); depth clamped at ``near``
        so points behind the camera stay finite (callers clip or skip them)."""
        z = np.maximum(cam[..., 2:3], near)
        return cam[..., :2] * (self.focal / z) + np.asarray(self.centre, dtype=np.float32)

    def horizon_row(self) -> float:
        """Image row of the horizon (where the floor meets the sky at infinity)."""
        fwd = self.rotation[2]
        horiz = np.array([fwd[0], 0.0, fwd[2]])
        horiz /= np.linalg.norm(horiz)
        d = self.rotation @ horiz
        return float(self.centre[1] + self.focal * d[1] / d[2])


def look_rotation(azimuth: float, elevation: float) -> np.ndarray:
    """Rotation of a camera at ``azimuth`` (radians, around +y, 0 = on the +z side of the
    target) and ``elevation`` (radians above the horizontal), looking at its target."""
    offset = np.array([np.sin(azimuth) * np.cos(elevation), np.sin(elevation),
                       np.cos(azimuth) * np.cos(elevation)])
    forward = -offset
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    return np.stack([right, down, forward])


def facing_angle(positions: np.ndarray, sides: np.ndarray) -> float:
    """Average facing of a dancer, radians around +y (0 = facing +z).

    Facing is perpendicular to the line from the right-side joints' mean to the left-side
    joints' mean (the rest pose faces +z with left at +x). Over a clip the per-frame
    directions are averaged as unit vectors; a dancer who spins evenly has no average
    direction, and the first frame's facing is used instead.
    """
    left, right = sides < 0, sides > 0
    if not left.any() or not right.any():
        return 0.0
    across = positions[:, left].mean(1) - positions[:, right].mean(1)  # (N, 3)
    face = np.stack([-across[:, 2], across[:, 0]], axis=1)  # (N, 2): x, z
    norm = np.linalg.norm(face, axis=1, keepdims=True)
    ok = norm[:, 0] > 1e-6
    if not ok.any():
        return 0.0
    unit = face[ok] / norm[ok]
    mean = unit.mean(0)
    pick = mean if np.linalg.norm(mean) > 0.3 else unit[0]
    return float(np.arctan2(pick[0], pick[1]))


def _smooth(x: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing along time (axis 0), kernel cut at 3 sigma."""
    if len(x) < 2 or sigma <= 0:
        return x
    return gaussian_smooth(x, sigma, axis=0, mode="nearest", truncate=3.0)


def follow_camera(
    positions: np.ndarray,
    floor: np.ndarray,
    *,
    fps: float,
    width: int,
    height: int,
    azimuth: float,
    elevation: float = np.radians(14.0),
    fov: float = np.radians(36.0),
    margin: float = 0.06,
    top_margin: float = 0.0,
    smooth_seconds: float = 0.5,
) -> Camera:
    """Fit a following camera to a 3D motion.

    Parameters
    ----------
    positions : ndarray (N, J, 3)
        The frames to be drawn, metres, y up.
    floor : ndarray (N,)
        Floor height per frame, metres; ground shadows are kept in the frame too.
    fps : float
        Frame rate of ``positions`` (the smoothing is specified in seconds).
    width, height : int
        Image size in pixels.
    azimuth, elevation, fov : float
        Viewing direction and vertical field of view, radians.
    margin, top_margin : float
        Fractions of the half-frame kept free around the dancer (top: room for a title).
    smooth_seconds : float
        Standard deviation of the Gaussians that smooth the target's path and the distance.
    """
    if not 0 < fov < np.pi:
        raise ParameterError(f"field of view must be between 0 and 180 degrees, got {fov}")
    rot = look_rotation(azimuth, elevation)
    pts = positions.astype(np.float64)
    floor = np.asarray(floor, dtype=np.float64)
    sigma = smooth_seconds * fps
    track = _smooth(pts.mean(axis=1)[:, [0, 2]], sigma)
    lo, hi = pts[..., 1].min(axis=1), pts[..., 1].max(axis=1)
    above = float(np.median((np.maximum(lo, floor) + hi) / 2 - floor))
    targets = np.stack([track[:, 0], floor + above, track[:, 1]], axis=1)

    # Every joint and its ground shadow, relative to the target, in camera axes.
    shadows = pts.copy()
    shadows[..., 1] = floor[:, None]
    rel = np.concatenate([pts, shadows], axis=1) - targets[:, None]
    x, y, z = np.moveaxis(rel @ rot.T, -1, 0)
    focal = (height / 2) / np.tan(fov / 2)
    tan_x = (width / 2) * (1 - margin) / focal
    tan_down = (height / 2) * (1 - margin) / focal
    tan_up = (height / 2) * (1 - margin - top_margin) / focal
    # A point (x, y, z) seen from distance d is inside when |x| <= tan_x * (z + d), etc.
    need = (np.maximum.reduce([np.abs(x) / tan_x, y / tan_down, -y / tan_up]) - z).max(axis=1)
    # A running maximum over the smoothing kernel's support, then the smoothing: every
    # frame's requirement is met, since each kernel weight multiplies a value >= it.
    radius = int(3.0 * sigma + 0.5)
    distance = _smooth(running_max(need, 2 * radius + 1), sigma)
    distance = np.maximum(distance, 1.0)
    cam_pos = targets - distance[:, None] * rot[2]
    return Camera(rotation=rot, positions=cam_pos, targets=targets, focal=float(focal),
                  centre=(width / 2, height / 2))
