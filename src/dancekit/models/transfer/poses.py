"""What drives the generator: any dance as BODY_25 keypoints in the model's frame, and those
keypoints drawn as the stick-figure images the generator reads.

Everybody Dance Now draws OpenPose's BODY_25 figures; we draw the same skeleton from any
source (mediapipe detections, a 2D file, a 3D dance seen by a fixed camera) with left and
right limbs in different colours, so the generator can tell a turned body from a mirrored one.
"""

from __future__ import annotations

import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.motion import Motion
from dancekit.motion.mapping import retarget
from dancekit.render.camera import Camera, facing_angle, follow_camera
from dancekit.render.draw import draw_keypoints

SKELETON = "body25"
JOINTS = 25
#: Below this confidence a keypoint (and its bones) is not drawn.
MIN_CONFIDENCE = 0.3


def to_frame(poses: Motion, width: int, height: int) -> Motion:
    """2D ``poses`` (pixels of ``meta["image_size"]``) on BODY_25, scaled to a
    ``width`` x ``height`` frame: how detections of a full-size video drive a smaller model."""
    if not poses.is_2d:
        raise ParameterError("expected 2D keypoints")
    size = poses.meta.get("image_size")
    if not (isinstance(size, (list, tuple)) and len(size) == 2
            and all(isinstance(v, (int, float)) and v > 0 for v in size)):
        raise DataFormatError("2D poses must record the frame size they are in pixels of "
                              "(meta image_size, as `dancekit pose` writes it)")
    body = retarget(poses, SKELETON)
    scale = np.array([width / size[0], height / size[1]], np.float32)
    conf = (body.confidence if body.confidence is not None
            else np.ones(body.positions.shape[:2], np.float32))
    return Motion(body.positions * scale, body.fps, SKELETON, confidence=conf,
                  meta={**body.meta, "image_size": [width, height]})


def project_3d(motion: Motion, width: int, height: int) -> Motion:
    """A 3D dance seen by one fixed camera in front of the dancer (the renderer's camera,
    facing the dancer's average front, held still at its mean position), as 2D keypoints in
    a ``width`` x ``height`` frame, on BODY_25. A still camera keeps the dancer's travel,
    which the pose normalisation then maps into the target's room."""
    body = retarget(motion, SKELETON)
    pos = body.positions.astype(np.float64)
    floor = np.full(len(pos), pos[..., 1].min())
    azimuth = facing_angle(pos, body.skeleton.sides)
    moving = follow_camera(pos, floor, fps=motion.fps, width=width, height=height,
                           azimuth=azimuth)
    still = Camera(moving.rotation, np.repeat(moving.positions.mean(0, keepdims=True),
                                              len(pos), 0),
                   np.repeat(moving.targets.mean(0, keepdims=True), len(pos), 0),
                   moving.focal, moving.centre)
    uv = still.project(still.to_camera(pos))
    conf = body.confidence if body.confidence is not None else np.ones(pos.shape[:2],
                                                                       np.float32)
    return Motion(uv.astype(np.float32), motion.fps, SKELETON, confidence=conf,
                  meta={**body.meta, "image_size": [width, height], "projected": True})


def keypoint_rows(poses: Motion) -> np.ndarray:
    """(T, 25, 3) float32: x, y and confidence of each BODY_25 keypoint."""
    conf = (poses.confidence if poses.confidence is not None
            else np.ones(poses.positions.shape[:2], np.float32))
    return np.concatenate([poses.positions, conf[..., None]], axis=-1).astype(np.float32)


def pose_image(row: np.ndarray, width: int, height: int, line_width: float) -> np.ndarray:
    """One frame's (25, 3) keypoints drawn on black: an (H, W, 3) uint8 image."""
    image = np.zeros((height, width, 3), np.uint8)
    return draw_keypoints(image, row[:, :2], SKELETON, confidence=row[:, 2],
                          min_confidence=MIN_CONFIDENCE, width=max(1.0, line_width * height))
