"""2D poses of the person in a video: mediapipe's pose landmarker, frame by frame, as one
``mediapipe33`` :class:`Motion` in image pixels with a confidence per joint.

Why our own smoothing on top of mediapipe's: its tracker smooths landmarks but still leaves
single-frame jumps where a limb is occluded or blurred, and a pose-to-image model turns each
jump into a flickering limb. We fill frames where nobody was found from their neighbours
(confidence 0) and smooth every joint over time with a Gaussian weighted by confidence, so a
doubtful frame borrows from confident neighbours instead of pulling them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion import Motion
from dancekit.motion.filters import gaussian_smooth
from dancekit.utils import progress
from dancekit.video.backend import mediapipe
from dancekit.video.frames import probe_video, read_frames

SKELETON = "mediapipe33"
JOINTS = 33
#: Default temporal smoothing, seconds (s.d.): a frame at 30 fps, below any dance move.
SMOOTH_SECONDS = 1 / 30


def detect_poses(path: str | os.PathLike, *, size: tuple[int, int] | None = None,
                 max_frames: int | None = None, smooth_seconds: float = SMOOTH_SECONDS,
                 show_progress: bool = False) -> Motion:
    """Run the detector on every frame of the video at ``path``.

    ``size`` (width, height) scales the frames first (the keypoints are then in those
    pixels); ``meta["image_size"]`` records the frame size either way. Joints of frames where
    nobody was detected have confidence 0.
    """
    path = Path(path)
    info = probe_video(path)
    total = min(info.frame_count, max_frames or info.frame_count)
    frames = progress(read_frames(path, size=size, max_frames=max_frames), total=total,
                      description="poses", disable=not show_progress)
    motion = poses_in_frames(frames, info.fps, smooth_seconds=smooth_seconds)
    motion.meta["video"] = path.name
    return motion


def poses_in_frames(frames: Iterable[np.ndarray], fps: float, *,
                    smooth_seconds: float = SMOOTH_SECONDS) -> Motion:
    """:func:`detect_poses` for frames in memory ((H, W, 3) uint8 RGB, one size): how
    generated video is checked against the poses that drove it."""
    mp = mediapipe()
    rows: list[np.ndarray] = []
    height = width = 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1,
                                smooth_landmarks=True, enable_segmentation=False) as pose:
        for frame in frames:
            height, width = frame.shape[:2]
            found = pose.process(np.ascontiguousarray(frame)).pose_landmarks
            row = np.zeros((JOINTS, 3), np.float32)
            if found is not None:
                row[:] = [(p.x * width, p.y * height, p.visibility) for p in found.landmark]
            rows.append(row)
    if not rows:
        raise ParameterError("no frames to detect poses in")
    data = np.stack(rows)
    positions, confidence = fill_and_smooth(data[..., :2], data[..., 2], smooth_seconds * fps)
    return Motion(positions, fps, SKELETON, confidence=confidence,
                  meta={"image_size": [int(width), int(height)],
                        "detector": "mediapipe 0.10.21 pose (full)"})


def fill_and_smooth(positions: np.ndarray, confidence: np.ndarray,
                    sigma_frames: float) -> tuple[np.ndarray, np.ndarray]:
    """Confidence-weighted Gaussian smoothing over time of (T, J, 2) keypoints.

    A joint's position at a frame is the average of its positions around it, each weighted by
    the Gaussian and by its confidence; where every weight is ~0 (nobody detected nearby) the
    nearest confident position is kept. Confidence is returned unchanged, except that no value
    leaves [0, 1].
    """
    pos = np.asarray(positions, np.float64)
    conf = np.clip(np.nan_to_num(np.asarray(confidence, np.float64)), 0.0, 1.0)
    filled = _nearest_confident(pos, conf)
    if sigma_frames <= 0 or len(pos) < 2:
        return filled.astype(np.float32), conf.astype(np.float32)
    weight = conf + 1e-3  # a lone frame with confidence 0 still has a position
    total = gaussian_smooth(weight, sigma_frames, axis=0, mode="nearest", truncate=3.0)
    summed = gaussian_smooth(filled * weight[..., None], sigma_frames, axis=0, mode="nearest",
                             truncate=3.0)
    return (summed / total[..., None]).astype(np.float32), conf.astype(np.float32)


def _nearest_confident(pos: np.ndarray, conf: np.ndarray, floor: float = 0.05) -> np.ndarray:
    """Positions with each doubtful entry (confidence below ``floor``) replaced by the same
    joint's nearest confident frame; a joint never confidently seen keeps what it has."""
    out = pos.copy()
    frames = np.arange(len(pos))
    for j in range(pos.shape[1]):
        good = np.flatnonzero(conf[:, j] >= floor)
        if len(good) == 0 or len(good) == len(pos):
            continue
        nearest = good[np.abs(frames[:, None] - good[None]).argmin(axis=1)]
        out[:, j] = pos[nearest, j]
    return out
