"""Image measures of generated video, as motion-transfer papers report them: SSIM of the
body region against the real frame, and temporal flicker.

SSIM is Wang et al.'s (2004) with their constants and an 11-tap Gaussian window of s.d. 1.5,
computed per colour channel on 0-255 values and averaged over pixels and channels.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter

from dancekit.errors import ParameterError

C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean structural similarity of two (H, W, 3) uint8 images of the same size."""
    if a.shape != b.shape or a.ndim != 3:
        raise ParameterError(f"SSIM needs two (H, W, 3) images of one size, got {a.shape} "
                             f"and {b.shape}")
    x, y = a.astype(np.float64), b.astype(np.float64)

    def blur(v: np.ndarray) -> np.ndarray:
        return gaussian_filter(v, sigma=(1.5, 1.5, 0), truncate=3.5, mode="reflect")

    mx, my = blur(x), blur(y)
    vx, vy, cov = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    value = ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2))
    return float(value.mean())


def body_box(keypoints: np.ndarray, width: int, height: int, *, min_confidence: float = 0.3,
             margin: float = 0.1) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) around one frame's confident (J, 3) keypoints, widened by ``margin``
    of the body's height on every side (the hair, hands and feet reach past the joints) and
    kept inside the frame."""
    seen = keypoints[keypoints[:, 2] >= min_confidence, :2]
    if len(seen) == 0:
        return 0, 0, width, height
    lo, hi = seen.min(axis=0), seen.max(axis=0)
    pad = margin * max(hi[1] - lo[1], 1.0)
    x0, y0 = (int(max(0, np.floor(v - pad))) for v in lo)
    x1 = int(min(width, np.ceil(hi[0] + pad)))
    y1 = int(min(height, np.ceil(hi[1] + pad)))
    return x0, y0, max(x1, x0 + 8), max(y1, y0 + 8)


def body_ssim(real: np.ndarray, fake: np.ndarray, keypoints: np.ndarray) -> float:
    """Mean SSIM over frames of the body box of each real frame's keypoints: (T, H, W, 3)
    frames and (T, J, 3) keypoints."""
    height, width = real.shape[1:3]
    values = []
    for r, f, k in zip(real, fake, keypoints, strict=True):
        x0, y0, x1, y1 = body_box(k, width, height)
        values.append(ssim(r[y0:y1, x0:x1], f[y0:y1, x0:x1]))
    return float(np.mean(values))


def flicker(real: np.ndarray, fake: np.ndarray) -> float:
    """Temporal flicker: the mean absolute difference, in 0-255 levels, between the change
    from one generated frame to the next and the same change in the real video (0: the
    generated video changes exactly as the real one does)."""
    if len(real) < 2:
        raise ParameterError("flicker needs at least two frames")
    dr = np.diff(real.astype(np.float32), axis=0)
    df = np.diff(fake.astype(np.float32), axis=0)
    return float(np.abs(df - dr).mean())


def body_flicker(real: np.ndarray, fake: np.ndarray, keypoints: np.ndarray) -> float:
    """:func:`flicker` inside one box around the body in every frame (the union of the
    frames' :func:`body_box`): a still background would otherwise dilute it."""
    height, width = real.shape[1:3]
    boxes = np.array([body_box(k, width, height) for k in keypoints])
    x0, y0 = boxes[:, :2].min(axis=0)
    x1, y1 = boxes[:, 2:].max(axis=0)
    return flicker(real[:, y0:y1, x0:x1], fake[:, y0:y1, x0:x1])
