"""A tiny target video for motion-transfer tests: a drawn figure dancing a known 3D dance,
seen by the transfer model's fixed camera, so its 2D poses are known exactly (no detector)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dancekit.io import save_motion
from dancekit.models.transfer.poses import keypoint_rows, pose_image, project_3d
from dancekit.motion import Motion
from dancekit.render.writers import write_mp4

WIDTH, HEIGHT = 64, 48
#: A generator and discriminators small enough that a training step takes milliseconds.
TINY = {"width": WIDTH, "height": HEIGHT, "levels": 3, "base": 8, "disc_base": 8,
        "disc_layers": 2}


def write_target(dance: Motion, video: Path, poses: Path) -> None:
    """``video``: the figure (thick limbs on grey) dancing ``dance``; ``poses``: its exact
    BODY_25 keypoints with the frame size."""
    drawn = project_3d(dance, WIDTH, HEIGHT)
    frames = []
    for row in keypoint_rows(drawn):
        figure = pose_image(row, WIDTH, HEIGHT, 0.08)
        frames.append(np.where(figure > 0, figure, 90).astype(np.uint8))
    write_mp4(frames, video, width=WIDTH, height=HEIGHT, fps=dance.fps, num_frames=len(frames))
    save_motion(drawn, poses)
