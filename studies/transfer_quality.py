"""How well trained transfer models redraw their target person, measured as Everybody Dance
Now measures it: reconstruction of held-out frames of the target from their own poses.

* **Held-out frames**: the last 20 % of the target video (``dancekit.data.video_target``);
  no weight saw them. The driving poses are the detector's poses of those frames.
* **Body SSIM**: SSIM (``dancekit.metrics.frames``) of the generated and the real frame inside
  the box around the real frame's keypoints widened by 10 % of the body's height.
* **Pose distance**: the detector run again on the generated frames, against the driving
  keypoints, in pixels of the model's frame (mean over BODY_25 joints confident in both,
  and over frames). The same measure on the real held-out frames, scaled to the model's
  frame, is the floor a perfect generator would reach at that resolution.
* **Flicker**: mean absolute difference, in 0-255 levels, between the generated and the real
  frame-to-frame change, inside one box around the body over the whole clip (a still
  background would dilute it). **L1**: mean absolute difference of whole frames, 0-255.
* **LPIPS** is not reported: its weights (and VGG's) are downloads; nothing with learned
  perceptual weights installs offline here.

With ``--sheet PNG``: a contact sheet of held-out moments, rows the pose image, the real
frame and each run's generated frame; with ``--song`` one more row, the target dancing to
that song (``dancekit.pipeline.dance`` with the default model, seed 0, its first 4 s).

Needs the pose extra (the detector) for pose distance; run it in that environment::

    PYTHONPATH=src .venv-pose/bin/python studies/transfer_quality.py \\
        --video ../shared/data/video/studio_dancer_10s.mp4 --poses RUN/poses.npz \\
        --run RUN_TEMPORAL --run RUN_SINGLE [--sheet runs/transfer/sheet.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from dancekit.data.video_target import target_clips
from dancekit.io import load_motion
from dancekit.metrics.frames import body_flicker, body_ssim
from dancekit.models import load_model
from dancekit.models.transfer.model import MotionTransfer
from dancekit.models.transfer.poses import JOINTS, keypoint_rows, to_frame
from dancekit.utils import atomic_output
from dancekit.video.backend import detector_available

PAPER = {"body_ssim": 0.898, "pose_distance": 1.93}
SHEET_MOMENTS = 5


def pose_distance(frames: np.ndarray, rows: np.ndarray, fps: float) -> float:
    """Mean pixel distance between the detector's keypoints on ``frames`` and ``rows``."""
    from dancekit.video.pose import poses_in_frames

    height, width = frames.shape[1:3]
    found = keypoint_rows(to_frame(poses_in_frames(frames, fps), width, height))
    both = (rows[..., 2] >= 0.3) & (found[..., 2] >= 0.5)
    dist = np.linalg.norm(found[..., :2] - rows[..., :2], axis=-1)
    return float(dist[both].mean()) if both.any() else float("nan")


def measure(model: MotionTransfer, real: np.ndarray, rows: np.ndarray, fps: float
            ) -> tuple[dict[str, float], np.ndarray]:
    fake = np.stack(list(model.render(rows)))
    result = {"body_ssim": body_ssim(real, fake, rows), "flicker": body_flicker(real, fake, rows),
              "l1": float(np.abs(fake.astype(np.float32) - real).mean())}
    if detector_available():
        result["pose_distance"] = pose_distance(fake, rows, fps)
    return result, fake


def song_frames(model: MotionTransfer, song: Path, seconds: float) -> np.ndarray:
    from dancekit.models.transfer.perform import driving_poses
    from dancekit.pipeline import dance

    motion = dance(song, seconds=seconds, seed=0)
    return np.stack(list(model.render(driving_poses(model, motion))))


def save_sheet(sheet: np.ndarray, path: Path) -> None:
    """The contact sheet as a 128-colour PNG: a sixth of the bytes of full colour, for docs."""
    from PIL import Image

    image = Image.fromarray(sheet).quantize(colors=128, method=Image.Quantize.FASTOCTREE,
                                            dither=Image.Dither.NONE)
    with atomic_output(path) as tmp:
        image.save(tmp, format="PNG", optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--video", type=Path, required=True)
    parser.add_argument("--poses", type=Path, required=True)
    parser.add_argument("--run", type=Path, action="append", required=True)
    parser.add_argument("--sheet", type=Path)
    parser.add_argument("--song", type=Path)
    args = parser.parse_args()

    poses = load_motion(args.poses)
    train_clip, held = target_clips(args.video, poses)
    models = [load_model(run / "model.safetensors") for run in args.run]
    c = models[0].config
    seq = models[0].encode(held)
    real, rows = seq.motion[..., :3], seq.audio.reshape(-1, JOINTS, 3)
    fps = poses.fps
    print(f"target {args.video.name}: trained on {train_clip.stop} frames "
          f"({train_clip.stop / fps:.1f} s), measured on {held.stop - held.start} held-out "
          f"frames ({(held.stop - held.start) / fps:.1f} s), {c.width}x{c.height} px")
    header = "| system | temporal | body SSIM | pose distance (px) | body flicker | L1 |"
    print(header)
    print("|---|---|---|---|---|---|")
    if detector_available():
        floor = pose_distance(real, rows, fps)
        print(f"| real held-out frames at {c.width}x{c.height} | - | 1 | {floor:.2f} | 0 | 0 |")
    fakes = []
    for run, model in zip(args.run, models, strict=True):
        result, fake = measure(model, real, rows, fps)
        fakes.append(fake)
        dist = result.get("pose_distance", float("nan"))
        print(f"| {run.name} | {model.config.temporal} | {result['body_ssim']:.3f} | "
              f"{dist:.2f} | {result['flicker']:.2f} | {result['l1']:.2f} |")
    print(f"| Everybody Dance Now (paper, 1024x512, minutes of footage) | yes | "
          f"{PAPER['body_ssim']} | {PAPER['pose_distance']} | - | - |")
    if args.sheet:
        picks = np.linspace(0, len(real) - 1, SHEET_MOMENTS).round().astype(int)
        lines = [np.stack([models[0].pose_image(r) for r in rows[picks]]), real[picks],
                 *(f[picks] for f in fakes)]
        if args.song:
            lines.append(song_frames(models[0], args.song, 4.0)[
                np.linspace(0, 119, SHEET_MOMENTS).round().astype(int)])
        sheet = np.concatenate([np.concatenate(list(line), axis=1) for line in lines], axis=0)
        save_sheet(sheet, args.sheet)
        print(f"contact sheet: {args.sheet} (rows: pose, real, "
              + ", ".join(r.name for r in args.run) + (", song" if args.song else "") + ")")


if __name__ == "__main__":
    main()
