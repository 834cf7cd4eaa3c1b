"""A target person's video as training data for motion transfer: its 2D poses (detected, or
read from a file) and the frames they belong to, split in time.

Why a split in time and not by sequence: a target is one short video, and the frames right
after a training frame look almost the same, so a random choice of held-out frames would
measure memory. The last ``held_out`` share of the clip is kept for measurement.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dancekit.errors import DataFormatError
from dancekit.io import load_motion, save_motion
from dancekit.motion import Motion
from dancekit.video.frames import probe_video

HELD_OUT = 0.2
POSES_FILE = "poses.npz"  # the detector's output, kept in the run folder for --resume
FRAME_SLACK = 2  # frames a header's count may differ from the decoded count


@dataclass(frozen=True)
class VideoClip:
    """Frames ``start`` to ``stop`` (exclusive) of a video and the poses of the whole video."""

    name: str
    path: Path
    start: int
    stop: int
    poses: Motion
    split: str
    style: str | None = None


def read_poses(path: Path) -> Motion:
    """A poses file: 2D keypoints that say the frame size they are in pixels of."""
    motion = load_motion(path)
    if not motion.is_2d or "image_size" not in motion.meta:
        raise DataFormatError(f"{path}: poses must be 2D keypoints with the frame size they "
                              "are in pixels of (as `dancekit pose` writes them)")
    return motion


def detected_poses(video: Path, run: Path) -> Motion:
    """The detector's poses of ``video``: the run's cached detection when it is of this
    video, else a new one, cached in ``run`` for ``--resume``."""
    cached = run / POSES_FILE
    if cached.is_file():
        motion = read_poses(cached)
        if _is_of(motion, video):
            return motion
    from dancekit.video.pose import detect_poses

    motion = detect_poses(video, show_progress=True)
    save_motion(motion, cached)
    return motion


def _is_of(motion: Motion, video: Path) -> bool:
    return motion.meta.get("video") == video.name and \
        abs(len(motion) - probe_video(video).frame_count) <= FRAME_SLACK


def target_clips(video: str | Path, poses: Motion, held_out: float = HELD_OUT
                 ) -> list[VideoClip]:
    """The training clip (the first ``1 - held_out`` of the video) and the held-out clip."""
    video = Path(video)
    count = probe_video(video).frame_count
    if abs(len(poses) - count) > FRAME_SLACK:
        raise DataFormatError(f"the poses have {len(poses)} frames but {video.name} has "
                              f"{count}: they are not this video's poses")
    cut = int(round(len(poses) * (1 - held_out)))
    if cut < 2 or len(poses) - cut < 2:
        raise DataFormatError(f"{video.name} is too short to train on and hold out "
                              f"{held_out:.0%} ({len(poses)} frames)")
    return [VideoClip(f"{video.stem}/train", video, 0, cut, poses, "train"),
            VideoClip(f"{video.stem}/held-out", video, cut, len(poses), poses, "val")]
