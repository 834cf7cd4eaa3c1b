"""What drives the generator: any dance as BODY_25 keypoints in the model's frame, and those
keypoints drawn as the stick-figure images the generator reads.

Everybody Dance Now draws OpenPose's BODY_25 figures; we draw the same skeleton from any
source (mediapipe detections, a 2D file, a 3D dance seen by a fixed camera) with left and
right limbs in different colours, so the generator can tell a turned body from a mirrored one.
"""

from __future__ import annotations

import numpy as np

from dancekit.errors import DataFormatError, ParameterError
from dancekit.motion import Motion, get_skeleton
from dancekit.motion.mapping import retarget
from dancekit.render.camera import Camera, facing_angle, follow_camera
from dancekit.render.draw import draw_keypoints

SKELETON = "body25"
JOINTS = 25
#: For skeletons without a registered mapping (a BVH file's own): BODY_25 joints by the usual
#: names of motion-capture rigs, first match wins; the face and heels have no counterpart and
#: are left undrawn.
RIG_NAMES = {
    "neck": ("neck",), "mid_hip": ("hips", "pelvis", "hip", "root"),
    "nose": ("head",),
    **{f"{side}_{joint}": tuple(f"{side}_{name}" for name in names)
       for side in ("left", "right") for joint, names in (
           ("shoulder", ("upper_arm", "arm")), ("elbow", ("lower_arm", "fore_arm", "forearm")),
           ("wrist", ("hand", "wrist")), ("hip", ("upper_leg", "up_leg", "thigh")),
           ("knee", ("lower_leg", "leg", "shin", "knee")), ("ankle", ("foot", "ankle")),
           ("big_toe", ("toes", "toe_base", "toe")), ("small_toe", ("toes", "toe_base", "toe")))},
}
#: Below this confidence a keypoint (and its bones) is not drawn.
MIN_CONFIDENCE = 0.3


def on_body25(motion: Motion) -> Motion:
    """``motion`` on BODY_25: by the registered mappings, or for a rig of its own (BVH) by
    :data:`RIG_NAMES`, which must find at least the hips, knees and ankles."""
    try:
        return retarget(motion, SKELETON)
    except ParameterError:
        pass
    names = motion.skeleton.joints
    target = get_skeleton(SKELETON).joints
    found = {j: next((names.index(n) for n in RIG_NAMES.get(j, ()) if n in names), None)
             for j in target}
    legs = [f"{s}_{j}" for s in ("left", "right") for j in ("hip", "knee", "ankle")]
    if any(found[j] is None for j in ["mid_hip", *legs]):
        raise ParameterError(f"cannot find a body's joints in skeleton {motion.skeleton.name} "
                             "(no mapping to body25, and no hips, knees and ankles by name)")
    index = np.array([found[j] if found[j] is not None else found["mid_hip"] for j in target])
    conf = np.array([found[j] is not None for j in target], np.float32)
    return Motion(motion.positions[:, index], motion.fps, SKELETON,
                  confidence=np.broadcast_to(conf, (len(motion), len(target))).copy(),
                  meta=dict(motion.meta, retargeted_from=motion.skeleton.name))


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
    body = on_body25(poses)
    scale = np.array([width / size[0], height / size[1]], np.float32)
    conf = (body.confidence if body.confidence is not None
            else np.ones(body.positions.shape[:2], np.float32))
    return Motion(body.positions * scale, body.fps, SKELETON, confidence=conf,
                  meta={**body.meta, "image_size": [width, height]})


def still_camera(body: Motion, width: int, height: int) -> Camera:
    """The renderer's camera for a 3D dance on BODY_25 (``body``), facing the dancer's average
    front, held still at its mean position: what :func:`project_3d` sees through, and what
    draws a picture of the dance whose keypoints are that projection."""
    pos = body.positions.astype(np.float64)
    floor = np.full(len(pos), pos[..., 1].min())
    azimuth = facing_angle(pos, body.skeleton.sides)
    moving = follow_camera(pos, floor, fps=body.fps, width=width, height=height,
                           azimuth=azimuth)
    return Camera(moving.rotation, np.repeat(moving.positions.mean(0, keepdims=True),
                                             len(pos), 0),
                  np.repeat(moving.targets.mean(0, keepdims=True), len(pos), 0),
                  moving.focal, moving.centre)


def project_3d(motion: Motion, width: int, height: int) -> Motion:
    """A 3D dance seen by one fixed camera in front of the dancer (:func:`still_camera`), as
    2D keypoints in a ``width`` x ``height`` frame, on BODY_25. A still camera keeps the
    dancer's travel, which the pose normalisation then maps into the target's room."""
    body = on_body25(motion)
    still = still_camera(body, width, height)
    uv = still.project(still.to_camera(body.positions.astype(np.float64)))
    conf = body.confidence if body.confidence is not None else np.ones(
        body.positions.shape[:2], np.float32)
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
