"""What a job makes and what the page fetches of it: the dance (through
:func:`dancekit.dance`), its downloads (the library's own writers and renderer) and the
viewer's copy of the joint positions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dancekit.errors import ParameterError
from dancekit.motion import Motion
from dancekit.render.body import HEAD_RADIUS_M, bone_radii
from dancekit.render.panels import floor_heights
from dancekit.render.style import head_joint
from dancekit.serve.jobs import Job

#: Download formats and their media types; a job's files are only ever these names.
DOWNLOADS = {"mp4": "video/mp4", "bvh": "text/plain", "npz": "application/octet-stream",
             "json": "application/json"}
#: MP4 panel size: big enough to watch, quick enough to make on the spot.
VIDEO_SIZE = 512
#: Height of the lowest joint over the floor: the thickness of a foot.
SOLE_M = 0.035


def make_dance(job: Job, say: Callable[[str], None]) -> None:
    """Dance to the job's song as ``dancekit dance`` does and keep it as ``dance.npz``."""
    from dancekit.io import save_motion
    from dancekit.pipeline import dance

    r = job.request
    motion = dance(r.song.path, model=r.model, style=r.style, seed=r.seed, seconds=r.seconds,
                   stages=say)
    say("saving")
    save_motion(motion, job.folder / "dance.npz")
    auto = motion.meta.get("style_auto") or {}
    job.meta = {"seconds": round(motion.duration, 3), "fps": motion.fps,
                "style": motion.meta.get("style") or auto.get("style") or "none"}


def dance_of(job: Job) -> Motion:
    from dancekit.io import load_motion

    return load_motion(job.folder / "dance.npz")


def download(job: Job, fmt: str) -> str:
    """The file of ``job`` in ``fmt`` (one of :data:`DOWNLOADS`), made on first request.

    Returns the path as text; the job's lock keeps two requests from making one file twice.
    """
    from dancekit.io import save_motion
    from dancekit.render import render

    if fmt not in DOWNLOADS:
        raise ParameterError(f"no download {fmt!r}: choose {', '.join(DOWNLOADS)}")
    path = job.folder / f"dance.{fmt}"
    with job.lock:
        if not path.exists():
            motion = dance_of(job)
            if fmt == "mp4":
                song = job.song
                render(motion, path, audio=song and song.path, size=VIDEO_SIZE,
                       progress=False)
            else:
                save_motion(motion, path)
    return str(path)


def viewer_data(motion: Motion) -> dict[str, Any]:
    """The motion as the page's 3D viewer reads it: the skeleton's bones, sides and body
    radii, and the positions in millimetres (whole numbers keep the JSON a third of its float
    size) over a floor at height 0, found as ``dancekit render`` finds it."""
    skel = motion.skeleton
    head = head_joint(skel)
    feet = motion.positions.copy()  # on the drawn floor, soles (not ankle centres) touching it
    feet[..., 1] -= floor_heights(motion.positions, motion.fps)[:, None] - SOLE_M
    mm = np.rint(feet * 1000).astype(np.int32)
    return {"fps": motion.fps, "frames": len(motion), "joints": list(skel.joints),
            "bones": np.asarray(skel.bones, dtype=int).reshape(-1, 2).tolist(),
            "sides": skel.sides.astype(int).tolist(), "head": -1 if head is None else head,
            "radii_m": [round(float(r), 3) for r in bone_radii(skel)],
            "head_radius_m": HEAD_RADIUS_M,
            "positions_mm": mm.reshape(-1).tolist()}
