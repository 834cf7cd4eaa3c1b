"""The person in a video as a silhouette: mediapipe's pose segmentation frame by frame,
cropped around the person and scaled into a fixed frame, for image models of dancers
(DanceNet's "dancer images with the background removed").

The crop follows the person with a smoothed centre and one scale for the whole clip (the
person's median height fills ``fill`` of the frame), as the capture silhouettes'
following camera does, so the two kinds of silhouette frame the dancer alike.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.utils import progress
from dancekit.video.backend import mediapipe
from dancekit.video.frames import probe_video, read_frames

#: Share of the frame's height the person's median height fills.
FILL = 0.8
#: Smoothing of the crop's centre over time, seconds (s.d.).
SMOOTH_SECONDS = 0.5


def person_masks(path: str | os.PathLike, *, size: tuple[int, int] | None = None,
                 max_frames: int | None = None, show_progress: bool = False) -> np.ndarray:
    """(T, H, W) float32 person masks in [0, 1] of the video at ``path`` (frames scaled to
    ``size`` = (width, height) first); frames where nobody was found are all 0."""
    mp = mediapipe()
    path = Path(path)
    info = probe_video(path)
    masks = []
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1,
                                enable_segmentation=True, smooth_segmentation=True) as pose:
        frames = read_frames(path, size=size, max_frames=max_frames)
        for frame in progress(frames, total=min(info.frame_count, max_frames or 1 << 40),
                              description="segmenting", disable=not show_progress):
            found = pose.process(frame).segmentation_mask
            masks.append(np.zeros(frame.shape[:2], np.float32) if found is None
                         else np.asarray(found, np.float32))
    return np.stack(masks)


def _boxes(masks: np.ndarray) -> np.ndarray:
    """(T, 4) x0, y0, x1, y1 of each mask's pixels above 0.5 (NaN where there are none)."""
    out = np.full((len(masks), 4), np.nan)
    for i, m in enumerate(masks > 0.5):
        ys, xs = np.nonzero(m)
        if len(xs):
            out[i] = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    return out


def framed_silhouettes(masks: np.ndarray, fps: float, *, height: int = 120, width: int = 208,
                       fill: float = FILL) -> np.ndarray:
    """(T, height, width) uint8 silhouettes (255 on the person) cut from (T, H, W) masks:
    the person centred by a smoothed crop and scaled so their median height fills ``fill``
    of the frame."""
    from dancekit.motion.filters import gaussian_smooth

    if not 0 < fill <= 1:
        raise ParameterError(f"fill must be in (0, 1], got {fill}")
    boxes = _boxes(masks)
    seen = ~np.isnan(boxes[:, 0])
    if not seen.any():
        raise DataFormatError("no person was found in any frame")
    t = np.arange(len(masks))
    centre = np.stack([np.interp(t, t[seen], (boxes[seen, 0] + boxes[seen, 2]) / 2),
                       np.interp(t, t[seen], (boxes[seen, 1] + boxes[seen, 3]) / 2)], axis=1)
    if len(masks) > 1:
        centre = gaussian_smooth(centre, SMOOTH_SECONDS * fps, axis=0, mode="nearest")
    scale = fill * height / float(np.median(boxes[seen, 3] - boxes[seen, 1]))
    out = np.empty((len(masks), height, width), np.uint8)
    for i, m in enumerate(masks):
        # the affine map taking the crop centre to the frame centre at ``scale``
        shift = np.array([width / 2, height / 2]) - scale * centre[i]
        warp = np.array([[scale, 0, shift[0]], [0, scale, shift[1]]], np.float32)
        out[i] = cv2.warpAffine((m * 255).round().astype(np.uint8), warp, (width, height),
                                flags=cv2.INTER_AREA, borderValue=0)
    return out


__all__ = ["FILL", "framed_silhouettes", "person_masks"]
