"""The floor grid under a following camera: world-fixed lines that fade out with distance.

The camera moves every frame, so the grid is projected again for every frame. Its segments
share their end points (each crossing of two lines ends four of them), so a frame projects
the grid's points once, a quarter of the segments' end points, and the segments pick theirs.
"""

from __future__ import annotations

import numpy as np

from dancekit.render.camera import Camera
from dancekit.render.draw import draw_fixed_segments, fixed
from dancekit.render.style import Theme

GRID_SPACING = 0.5  # metres: one ballroom-floor tile
GRID_FADE_BANDS = 6
#: Pixels beyond the picture's edge within which a one-pixel anti-aliased grid line can still
#: touch it.
GRID_CULL_PX = 4
#: Depth (metres) of the plane onto which a segment's end behind the camera is pulled.
NEAR = 0.1


class FloorGrid:
    """Grid lines on the floor around the camera's target, as unit segments in
    :data:`GRID_FADE_BANDS` shades from the floor's colour to the grid's (so the patch has
    no visible edge as the camera travels).

    Parameters
    ----------
    camera : Camera
        The clip's camera (one rotation, a position and target per frame).
    floor : ndarray (N,)
        Floor height per frame, metres.
    theme : Theme
    size : int
        Picture width and height, pixels.
    """

    def __init__(self, camera: Camera, floor: np.ndarray, theme: Theme, size: int) -> None:
        self.camera, self.floor, self.size = camera, floor, size
        self.radius = max(4.0, 1.3 * float(camera.distances.max()))
        k = int(np.ceil(self.radius / GRID_SPACING)) + 1
        ticks = np.arange(-k, k + 1) * GRID_SPACING
        a, b = np.meshgrid(ticks, ticks[:-1], indexing="ij")  # line position, segment start
        a, b = a.ravel(), b.ravel()
        zeros = np.zeros_like(a)
        along_z = np.stack([np.stack([a, zeros, b], 1),
                            np.stack([a, zeros, b + GRID_SPACING], 1)], axis=1)
        along_x = along_z[..., [2, 1, 0]]
        segs = np.concatenate([along_z, along_x]).astype(np.float32)  # (S, 2, 3), y = 0
        self.mid = segs.mean(axis=1)[:, [0, 2]]
        self.local_cam = segs @ camera.rotation.T.astype(np.float32)
        floor_rgb = np.asarray(theme.floor_far, np.float32)
        grid_rgb = np.asarray(theme.grid, np.float32)
        levels = np.arange(1, GRID_FADE_BANDS + 1) / GRID_FADE_BANDS
        self.colours = [tuple(float(c) for c in floor_rgb + (grid_rgb - floor_rgb) * lv)
                        for lv in levels]
        # The crossings, and each segment's two as indices into them.
        lattice = np.rint(segs.reshape(-1, 3)[:, [0, 2]] / GRID_SPACING).astype(np.int64)
        _, first, ends = np.unique(lattice, axis=0, return_index=True, return_inverse=True)
        self.points = self.local_cam.reshape(-1, 3)[first]
        self.ends = ends.reshape(-1, 2)

    def draw(self, image: np.ndarray, i: int) -> None:
        """Draw frame ``i``'s grid onto ``image``, in place."""
        cam = self.camera
        target = cam.targets[i]
        origin = np.floor(target[[0, 2]] / GRID_SPACING) * GRID_SPACING
        shift = np.array([origin[0], self.floor[i], origin[1]]) - cam.positions[i]
        points = self.points + (cam.rotation @ shift).astype(np.float32)  # (P, 3)
        offset = self.mid + (origin - target[[0, 2]])
        square = offset * offset
        dist = np.sqrt(square[:, 0] + square[:, 1])
        fade = np.clip((self.radius - dist) / (0.6 * self.radius), 0, 1)
        band = np.ceil(fade * GRID_FADE_BANDS).astype(np.int64)
        behind = (points[:, 2] < NEAR)[self.ends]  # (S, 2)
        band[behind[:, 0] & behind[:, 1]] = 0
        live = np.flatnonzero(band)
        band, ends, behind = band[live], self.ends[live], behind[live]
        uv = cam.project(points)
        segments, sides = fixed(uv)[ends], _outside(uv, self.size)[ends]  # (L, 2, 2), (L, 2)
        across = np.flatnonzero(behind[:, 0] != behind[:, 1])
        if len(across):
            # Pull the end point that is behind the camera forward onto the near plane.
            pts, back = points[ends[across]], behind[across]
            z, other = pts[..., 2], pts[:, ::-1]
            t = (NEAR - z) / np.where(back, other[..., 2] - z, 1.0)
            pulled = cam.project(np.where(back[..., None], pts + t[..., None] * (other - pts),
                                          pts))
            segments[across], sides[across] = fixed(pulled), _outside(pulled, self.size)
        # Most of the patch lies outside the picture (behind the camera's sides or below
        # it); a segment with both ends beyond one edge, anti-aliasing included, draws no
        # pixel, and skipping it halves the grid's drawing time.
        seen = (sides[:, 0] & sides[:, 1]) == 0
        segments, band = segments[seen], band[seen]
        for level in range(1, GRID_FADE_BANDS + 1):
            draw_fixed_segments(image, segments[band == level], self.colours[level - 1])


def _outside(uv: np.ndarray, size: int) -> np.ndarray:
    """Which edges of a ``size`` picture (with :data:`GRID_CULL_PX` of margin) points
    (..., 2) lie beyond, one bit per edge: two ends beyond the same edge share a bit."""
    lo, hi = -GRID_CULL_PX, size + GRID_CULL_PX
    u, v = uv[..., 0], uv[..., 1]
    return ((u < lo).view(np.uint8) | (u > hi).view(np.uint8) << 1 |
            (v < lo).view(np.uint8) << 2 | (v > hi).view(np.uint8) << 3)
