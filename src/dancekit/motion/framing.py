"""Pose normalisation between two 2D dancers, as Everybody Dance Now publishes it (Chan et
al., ICCV 2019, section 3.3): a source dancer's keypoints are moved and scaled so they stand
where, and as tall as, the target person stands in the target's own video.

Why per frame and not one global fit: the camera sees a dancer larger and lower in the
picture when they step towards it. Each video's ankle height in the image tells how near the
dancer is; between the nearest and farthest ankle positions of the source, the scale and the
ankle position are interpolated linearly between the target's at its own nearest and
farthest positions, so stepping forward in the source becomes stepping forward in the
target's room.

The extremes are robust statistics, not the single highest or lowest frame (a jump would set
the far end): the near and far ankle positions are the 90th and 10th percentiles of the
lower ankle's image row; a dancer's height at either end is the largest head-to-ankle
extent among frames within 5 % of that end's ankle range. A dancer who does not move in depth
(ankle range under 2 % of their height) is scaled by the mean of the two ratios and put on the
target's median ankle row. The ankle row is interpolated and extrapolated alike (a jump
above the far row stays a jump); the scale is clamped to the range between its two ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion.core import Motion

MIN_CONFIDENCE = 0.3
NEAR, FAR = 90.0, 10.0  # percentiles of the ankle row
BAND = 0.05  # frames within this share of the ankle range count as "at" an end
STILL = 0.02  # ankle range below this share of the height: no movement in depth


@dataclass(frozen=True)
class Framing:
    """Where a dancer stands in their video: ankle rows and heights (pixels) at the near and
    far ends, and the median horizontal centre."""

    ankle_near: float
    ankle_far: float
    height_near: float
    height_far: float
    centre_x: float
    ankle_median: float

    @property
    def moves_in_depth(self) -> bool:
        return self.ankle_near - self.ankle_far > STILL * max(self.height_near, 1e-6)


def _rows(motion: Motion) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ankle row, head-to-ankle height, body centre x) per frame."""
    if not motion.is_2d:
        raise ParameterError("pose normalisation takes 2D keypoints; project a 3D motion first")
    names = motion.skeleton.joints
    if "left_ankle" not in names or "right_ankle" not in names:
        raise ParameterError(f"skeleton {motion.skeleton.name} has no ankles to normalise by")
    pos = motion.positions.astype(np.float64)
    conf = (np.ones(pos.shape[:2]) if motion.confidence is None
            else motion.confidence.astype(np.float64))
    seen = conf >= MIN_CONFIDENCE
    ankles = [names.index("left_ankle"), names.index("right_ankle")]
    ankle = pos[:, ankles, 1].max(axis=1)
    top = np.where(seen, pos[..., 1], np.inf).min(axis=1)
    top = np.where(np.isfinite(top), top, pos[..., 1].min(axis=1))
    count = seen.sum(axis=1)
    centre_x = np.where(count > 0, (pos[..., 0] * seen).sum(axis=1) / np.maximum(count, 1),
                        pos[..., 0].mean(axis=1))
    return ankle, ankle - top, centre_x


def framing(motion: Motion) -> Framing:
    """The :class:`Framing` of a 2D motion (pixels, y down)."""
    ankle, height, centre_x = _rows(motion)
    near, far = np.percentile(ankle, NEAR), np.percentile(ankle, FAR)
    band = max(BAND * (near - far), 1e-6)

    def height_at(row: float) -> float:
        close = np.abs(ankle - row) <= band
        return float(height[close].max() if close.any() else np.median(height))

    return Framing(float(near), float(far), height_at(near), height_at(far),
                   float(np.median(centre_x)), float(np.median(ankle)))


def normalize_to_target(source: Motion, target: Motion | Framing) -> Motion:
    """``source``'s 2D keypoints scaled and moved, frame by frame, into ``target``'s framing
    (another 2D motion, or its :func:`framing`). The result keeps ``source``'s skeleton,
    rate and confidence; ``meta["image_size"]`` is the target's when it has one."""
    tgt = target if isinstance(target, Framing) else framing(target)
    src = framing(source)
    ankle, _, _ = _rows(source)
    scale_near = tgt.height_near / max(src.height_near, 1e-6)
    scale_far = tgt.height_far / max(src.height_far, 1e-6)
    if src.moves_in_depth:
        alpha = (ankle - src.ankle_far) / (src.ankle_near - src.ankle_far)
        new_ankle = tgt.ankle_far + alpha * (tgt.ankle_near - tgt.ankle_far)
    else:
        alpha = np.full(len(ankle), 0.5)
        new_ankle = np.full(len(ankle), tgt.ankle_median)
    scale = scale_far + np.clip(alpha, 0.0, 1.0) * (scale_near - scale_far)
    pos = source.positions.astype(np.float64)
    out = np.empty_like(pos)
    out[..., 0] = tgt.centre_x + scale[:, None] * (pos[..., 0] - src.centre_x)
    out[..., 1] = new_ankle[:, None] + scale[:, None] * (pos[..., 1] - ankle[:, None])
    meta = dict(source.meta)
    if isinstance(target, Motion) and "image_size" in target.meta:
        meta["image_size"] = target.meta["image_size"]
    meta["normalized_to_target"] = True
    return Motion(out.astype(np.float32), source.fps, source.skeleton,
                  confidence=source.confidence, meta=meta)
