"""Motion: the canonical type, skeletons, rotations and kinematics."""

from dancekit.motion.beat_ease import ease_to_beats, time_to_beats
from dancekit.motion.beat_warp import warp_to_beats
from dancekit.motion.core import Motion
from dancekit.motion.kinematics import forward_kinematics, rest_pose
from dancekit.motion.processing import (
    foot_contacts,
    level_floor,
    normalize_root,
    resample,
    retime,
    smooth,
)
from dancekit.motion.skeletons import Skeleton, get_skeleton, list_skeletons, register_skeleton
from dancekit.motion.speed import movement_beats

__all__ = [
    "Motion",
    "Skeleton",
    "ease_to_beats",
    "foot_contacts",
    "forward_kinematics",
    "get_skeleton",
    "level_floor",
    "list_skeletons",
    "movement_beats",
    "normalize_root",
    "register_skeleton",
    "resample",
    "rest_pose",
    "retime",
    "smooth",
    "time_to_beats",
    "warp_to_beats",
]
