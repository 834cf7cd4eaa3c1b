"""A target "person" for motion transfer whose pictures the project may ship: dancekit's
capsule body dancing a real motion capture (a ballroom sequence), filmed by the still camera
that :func:`dancekit.models.transfer.poses.project_3d` projects 3D dances with.

Real footage cannot go into the docs (its terms forbid copying its frames), but a render of
our own can, as the ballroom renders in ``docs/images`` do. Because the body is drawn by the
very camera the keypoints are projected with, its BODY_25 keypoints are known exactly and no
detector is involved: the poses file is ``project_3d``'s output.

Writes ``OUT/target.mp4`` (no sound) and ``OUT/poses.npz`` (2D BODY_25 keypoints in the
video's pixels), ready for ``dancekit train transfer --video OUT/target.mp4 --poses
OUT/poses.npz``; ``recipes/transfer_rendered.sh`` runs the whole measurement::

    PYTHONPATH=src python studies/transfer_pictures.py --out runs/transfer_rendered
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dancekit.data.ballroom import ballroom_sequence
from dancekit.io import save_motion
from dancekit.models.transfer.poses import on_body25, project_3d, still_camera
from dancekit.motion.mapping import retarget
from dancekit.render.figure import filmed_body
from dancekit.render.writers import write_mp4
from dancekit.utils import atomic_output

#: Twice the measured run's 128 x 80 frame, so the training frames are scaled down
#: (smooth edges) and keep its proportions.
WIDTH, HEIGHT = 256, 160


def target(folder: Path, start: float, seconds: float, out: Path) -> None:
    """Film ``seconds`` of the sequence in ``folder`` from ``start`` s into ``out``."""
    motion = retarget(ballroom_sequence(folder).motion, "smpl24")
    first = round(start * motion.fps)
    motion = motion[first:first + round(seconds * motion.fps)]
    camera = still_camera(on_body25(motion), WIDTH, HEIGHT)
    video = out / "target.mp4"
    with atomic_output(video) as tmp:
        write_mp4(filmed_body(motion, camera, WIDTH, HEIGHT), tmp, width=WIDTH, height=HEIGHT,
                  fps=motion.fps, num_frames=len(motion))
    poses = project_3d(motion, WIDTH, HEIGHT)
    save_motion(poses.replace(meta={**poses.meta, "video": video.name}), out / "poses.npz")
    print(f"{video}: {len(motion)} frames ({motion.duration:.1f} s at {motion.fps:g} fps) of "
          f"{folder.name} from {start:g} s, {WIDTH}x{HEIGHT}; poses: {out / 'poses.npz'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sequence", type=Path,
                        default=Path("../shared/data/ballroom/DANCE_C_7"))
    parser.add_argument("--start", type=float, default=0.0, help="seconds into the sequence")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    target(args.sequence, args.start, args.seconds, args.out)


if __name__ == "__main__":
    main()
