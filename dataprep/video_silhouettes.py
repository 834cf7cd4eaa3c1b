"""Cut the person out of each real video as DanceNet-sized silhouettes, and print a table of
what was found.

Usage (needs the ``pose`` extra: mediapipe 0.10.21, numpy < 2)::

    python dataprep/video_silhouettes.py [--data ../shared/data/video] [--out silhouettes]

Each ``NAME.mp4`` becomes ``OUT/NAME.npz`` with ``frames`` (T, 120, 208) uint8 (255 on the
person; :func:`dancekit.video.segment.framed_silhouettes`) and ``fps`` (the video's). The
frames are decoded at 480 pixels wide first: the segmentation is no better at full size and
takes four times as long. ``studies/dancenet_quality.py --video-silhouettes OUT`` scores
the VAE's reconstruction on them (frames it never saw, of real people).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from dancekit.video.frames import probe_video
from dancekit.video.segment import framed_silhouettes, person_masks

DECODE_WIDTH = 480


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/video"))
    parser.add_argument("--out", type=Path, default=Path("silhouettes"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print("| video | frames | fps | person found | mean silhouette share |")
    print("|---|---|---|---|---|")
    for video in sorted(args.data.glob("*.mp4")):
        info = probe_video(video)
        height = 2 * round(info.height * DECODE_WIDTH / info.width / 2)
        masks = person_masks(video, size=(DECODE_WIDTH, height))
        found = float((masks > 0.5).any(axis=(1, 2)).mean())
        frames = framed_silhouettes(masks, info.fps)
        np.savez_compressed(args.out / f"{video.stem}.npz", frames=frames,
                            fps=np.float64(info.fps))
        print(f"| {video.name} | {len(frames)} | {info.fps:.2f} | {found:.1%} | "
              f"{frames.mean() / 255:.3f} |")


if __name__ == "__main__":
    main()
