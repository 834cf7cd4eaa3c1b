"""What DanceNet's frames are scored by, shared by validation and the quality study: how
well the VAE rebuilds a silhouette, how much the picture changes from frame to frame, and
how often it stands still."""

from __future__ import annotations

import numpy as np


def reconstruction_scores(real: np.ndarray, rebuilt: np.ndarray) -> dict[str, float]:
    """Real and rebuilt frames (N, H, W) in [0, 1]: the mean absolute pixel error, and the
    intersection over union of the two silhouettes (pixels above 0.5), which unlike the
    pixel error does not reward an empty picture for the mostly black background."""
    a, b = real > 0.5, rebuilt > 0.5
    union = np.logical_or(a, b).sum(axis=(1, 2))
    inter = np.logical_and(a, b).sum(axis=(1, 2))
    iou = np.where(union > 0, inter / np.maximum(union, 1), 1.0)
    return {"pixel_error": float(np.abs(real - rebuilt).mean()), "iou": float(iou.mean())}


def image_change(frames: np.ndarray) -> np.ndarray:
    """(T - 1,) mean absolute change of the pixels (in [0, 1]) from each frame to the next,
    for (T, H, W) frames in [0, 1] or uint8."""
    x = frames.astype(np.float32)
    if frames.dtype == np.uint8:
        x /= 255.0
    return np.abs(np.diff(x, axis=0)).mean(axis=(1, 2))


def still_share(frames: np.ndarray, threshold: float) -> float:
    """Share of frame-to-frame steps whose :func:`image_change` is below ``threshold``: a
    frozen dancer (the failure of recurrent image models) scores near 1."""
    change = image_change(frames)
    return float((change < threshold).mean()) if len(change) else 0.0


def change_beats(frames: np.ndarray, fps: float) -> np.ndarray:
    """Times (s) where the picture's change has a local minimum: the image counterpart of
    kinematic beats (a dancer slowing down, the moment a step lands), from the change
    smoothed over three steps."""
    change = image_change(frames)
    if len(change) < 3:
        return np.zeros(0)
    smooth = np.convolve(change, np.ones(3) / 3, mode="same")
    inner = np.flatnonzero((smooth[1:-1] < smooth[:-2]) & (smooth[1:-1] <= smooth[2:])) + 1
    return (inner + 1) / fps  # step i lies between frames i and i + 1


def beat_alignment(frames: np.ndarray, fps: float, music_beats: np.ndarray,
                   sigma: float = 0.1) -> float:
    """Mean over :func:`change_beats` of exp(-d^2 / (2 sigma^2)), d the distance (s) to the
    nearest music beat: the Beat Align Score with the picture's change in place of joint
    speed (sigma 0.1 s, a bit more than one frame at 12.5 fps). 0 without any."""
    picture = change_beats(frames, fps)
    music = np.asarray(music_beats, dtype=np.float64)
    music = music[(music >= 0) & (music <= len(frames) / fps)]
    if not len(picture) or not len(music):
        return 0.0
    d = np.abs(picture[:, None] - music[None]).min(axis=1)
    return float(np.exp(-(d ** 2) / (2 * sigma ** 2)).mean())


__all__ = ["beat_alignment", "change_beats", "image_change", "reconstruction_scores",
           "still_share"]
