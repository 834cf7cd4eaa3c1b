"""From a dance to a video of the target person dancing it: the dance's 2D poses in the
model's frame, normalised to the target's framing, drawn by the generator, encoded as MP4."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from dancekit.models.transfer.model import MotionTransfer
from dancekit.models.transfer.poses import keypoint_rows, project_3d, to_frame
from dancekit.motion import Motion
from dancekit.motion.framing import normalize_to_target
from dancekit.render.writers import write_mp4
from dancekit.utils import atomic_output, progress


def driving_poses(model: MotionTransfer, motion: Motion) -> np.ndarray:
    """(T, 25, 3) keypoints that make ``model``'s person dance ``motion``: a 2D motion is
    scaled from its own frame, a 3D one seen by the renderer's camera held still, then both
    moved and scaled into the target's framing (Everybody Dance Now's normalisation)."""
    c = model.config
    frame = (to_frame if motion.is_2d else project_3d)(motion, c.width, c.height)
    return keypoint_rows(normalize_to_target(frame, model.framing()))


def write_performance(model: MotionTransfer, rows: np.ndarray, fps: float, out: Path, *,
                      audio: Path | None = None, show_progress: bool = False) -> None:
    """Draw ``rows`` as the target and write them to ``out`` (MP4, atomically), with
    ``audio`` muxed in when given."""
    frames = progress(model.render(rows), total=len(rows), description="transfer",
                      disable=not show_progress)
    with atomic_output(out) as tmp:
        write_mp4(frames, tmp, width=model.config.width, height=model.config.height, fps=fps,
                  num_frames=len(rows), audio=audio)
