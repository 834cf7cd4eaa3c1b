"""How real DanceNet's dancer images look and move, on ballroom sequences no weight saw.

* **VAE reconstruction**: silhouettes rendered from the held-out ballroom sequences
  (``dancekit.data.ballroom.TEST_SEQUENCES``), beside training frames, and, with
  ``--video-silhouettes DIR`` (``dataprep/video_silhouettes.py``), people segmented from
  the real videos: frames of another kind the VAE never saw. Pixel error and the IoU of the
  silhouettes (pixels above one half).
* **Generated dances**: each model dances ``--seconds`` to the song of every held-out
  sequence that has one (from the song's start, seed = the sequence's index). Real: the held-out
  silhouettes over the same number of frames. Measures:

  - ``FID``: Fréchet distance between generated and real held-out frames in a small image
    feature space: 32 principal components of the 4x-pooled pixels, fitted on training
    frames (the "training frames" row is the floor: real against real);
  - ``change``: the mean absolute pixel change from one frame to the next (x 1000), and its
    ratio to the real dances';
  - ``still``: share of frame steps whose change is below a quarter of the real mean
    (freezing); ``jumps``: share above three times the real mean (a picture that flickers
    from one pose to another instead of moving);
  - ``BAS``: beat alignment of the picture's slow-downs (local minima of the change) with
    the song's tracked beats (sigma 0.1 s); the real dances are scored against their own
    song span and, as the music-ignoring baseline, against another held-out song's beats.

* **Songs with exact beats** (``--music DIR``, default ``../shared/data/music``): each model
  dances the first ``--seconds`` of every song there (seed 0), BAS against the song's true
  beats and, as chance, against the same beats moved by half a beat.

* **Contact sheet** (``--sheet PNG``): the first held-out sequence's real silhouettes above
  each model's frames to its song, every ``SHEET_STEP``-th frame.

    python studies/dancenet_quality.py [--models bundled=dancenet,no-music=runs/x/model.safetensors]
        [--seconds 20] [--video-silhouettes runs/silhouettes] [--sheet docs/images/dancenet.png]
        [--music ../shared/data/music] [--temperature T]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from dancekit.audio import cached_features
from dancekit.data.ballroom import TEST_SEQUENCES
from dancekit.data.sources import load_ballroom
from dancekit.metrics.fid import fid
from dancekit.metrics.files import read_beat_times
from dancekit.models import load_model
from dancekit.models.dancenet import DanceNet, motion_images
from dancekit.models.dancenet.measures import (
    beat_alignment,
    image_change,
    reconstruction_scores,
    still_share,
)
from dancekit.models.dancenet.training import rebuild

SHEET_STEP = 6  # frames between contact-sheet columns (0.48 s)
SHEET_COLUMNS = 10
PCA_DIMS = 32


def features(frames: np.ndarray, basis: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """(N, H, W) uint8 -> (N, PCA_DIMS): 4x-pooled pixels on the principal components."""
    n, h, w = frames.shape
    pooled = frames.reshape(n, h // 4, 4, w // 4, 4).mean((2, 4)).reshape(n, -1) / 255
    mean, axes = basis
    return (pooled - mean) @ axes.T


def fit_basis(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, h, w = frames.shape
    pooled = frames.reshape(n, h // 4, 4, w // 4, 4).mean((2, 4)).reshape(n, -1) / 255
    mean = pooled.mean(0)
    _, _, vt = np.linalg.svd(pooled - mean, full_matrices=False)
    return mean, vt[:PCA_DIMS]


def reconstruction_rows(vae, sets: dict[str, np.ndarray]) -> list[str]:
    rows = ["| frames | count | pixel error | silhouette IoU |", "|---|---|---|---|"]
    for name, frames in sets.items():
        s = reconstruction_scores(*rebuild(vae, frames.reshape(len(frames), -1)))
        rows.append(f"| {name} | {len(frames)} | {s['pixel_error']:.4f} | {s['iou']:.3f} |")
    return rows


def exact_beat_table(models: dict[str, DanceNet], music: Path, seconds: float) -> None:
    """BAS of each model's dances to the songs with exact beats, against their beats and
    against the beats moved by half a beat (chance)."""
    songs = sorted(music.glob("*.ogg"))
    if not songs:
        return
    print(f"\n{len(songs)} songs with exact beats, first {seconds:g} s, seed 0\n")
    print("| model | BAS (true beats) | BAS (beats moved half a beat) |\n|---|---|---|")
    for label, model in models.items():
        true, moved = [], []
        for song in songs:
            beats = read_beat_times(song.with_suffix(".beats.txt"))
            frames = model.generate(song, seconds=seconds, seed=0).frames
            true.append(beat_alignment(frames, model.fps, beats))
            moved.append(beat_alignment(frames, model.fps,
                                        beats[:-1] + np.diff(beats) / 2))
        print(f"| {label} | {np.mean(true):.3f} | {np.mean(moved):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballroom", type=Path, default=Path("../shared/data/ballroom"))
    parser.add_argument("--models", default="bundled=dancenet")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--temperature", type=float,
                        help="sampling temperature of every model (default: each its own)")
    parser.add_argument("--video-silhouettes", type=Path)
    parser.add_argument("--sheet", type=Path)
    parser.add_argument("--music", type=Path, default=Path("../shared/data/music"))
    args = parser.parse_args()

    models = {}
    for item in args.models.split(","):
        label, _, source = item.partition("=")
        models[label] = load_model(source)
    first: DanceNet = next(iter(models.values()))
    vae, fps = first.vae, first.fps
    frames = int(round(args.seconds * fps))
    pairs = load_ballroom(args.ballroom)
    test = [p for p in pairs if p.name.rsplit("/", 1)[-1] in TEST_SEQUENCES]
    train = [p for p in pairs if p not in test]
    real = {p.name: motion_images(p.motion, vae.config).reshape(-1, 120, 208) for p in test}
    train_frames = np.concatenate([motion_images(p.motion, vae.config)[::10]
                                   for p in train]).reshape(-1, 120, 208)

    sets = {"ballroom training (every 10th)": train_frames,
            "ballroom held-out (every 2nd)": np.concatenate([r[::2] for r in real.values()])}
    if args.video_silhouettes:
        for clip in sorted(args.video_silhouettes.glob("*.npz")):
            sets[f"video {clip.stem}"] = np.load(clip)["frames"]
    print("\n".join(reconstruction_rows(vae, sets)) + "\n")

    usable = [p for p in test if len(real[p.name]) >= frames]
    basis = fit_basis(train_frames)
    real_cut = [real[p.name][:frames] for p in usable]
    real_feats = features(np.concatenate(real_cut), basis)
    song_beats = [cached_features(p.audio, "beats") for p in usable]
    real_change = float(np.mean([image_change(r).mean() for r in real_cut]))
    still = real_change / 4

    def row(label: str, dances: list[np.ndarray], beats: list[np.ndarray],
            real_set: bool = False) -> str:
        change = float(np.mean([image_change(d).mean() for d in dances]))
        score = "-" if real_set else \
            f"{fid(features(np.concatenate(dances), basis), real_feats):.2f}"
        bas = np.mean([beat_alignment(d, fps, b) for d, b in zip(dances, beats, strict=True)])
        stills = np.mean([still_share(d, still) for d in dances])
        jumps = np.mean([(image_change(d) > 3 * real_change).mean() for d in dances])
        return (f"| {label} | {score} | {1000 * change:.2f} | {change / real_change:.2f} | "
                f"{stills:.2f} | {jumps:.3f} | {bas:.3f} |")

    print(f"{len(usable)} held-out sequences x {args.seconds:g} s at {fps:g} fps\n")
    rows = ["| dances | FID (PCA-32) | change x1000 | change / real | still | jumps | BAS |",
            "|---|---|---|---|---|---|---|"]
    own = [b - p.start for b, p in zip(song_beats, usable, strict=True)]
    rows.append(row("real held-out, own song", real_cut, own, real_set=True))
    rows.append(row("real held-out, another song's beats", real_cut, own[1:] + own[:1],
                    real_set=True))
    picks = np.linspace(0, len(train_frames) - 1, len(real_cut) * frames).astype(int)
    floor = fid(features(train_frames[picks], basis), real_feats)
    rows.append(f"| real training frames (FID floor; not a dance) | {floor:.2f} | - | - | - | - "
                "| - |")
    made = {}
    for label, model in models.items():
        made[label] = [model.generate(p.audio, seconds=args.seconds, seed=k,
                                      temperature=args.temperature).frames
                       for k, p in enumerate(usable)]
        rows.append(row(label, made[label], song_beats))
    print("\n".join(rows))
    exact_beat_table(models, args.music, args.seconds)

    if args.sheet:
        picks = slice(0, SHEET_STEP * SHEET_COLUMNS, SHEET_STEP)
        strips = [("real", real_cut[0][picks])] + [(k, v[0][picks]) for k, v in made.items()]
        rows_img = []
        for label, strip in strips:
            line = np.concatenate(list(strip), axis=1)
            line = cv2.copyMakeBorder(line, 18, 2, 0, 0, cv2.BORDER_CONSTANT, value=40)
            cv2.putText(line, label, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.45, 220, 1,
                        cv2.LINE_AA)
            rows_img.append(line)
        ok, png = cv2.imencode(".png", np.concatenate(rows_img, axis=0))
        args.sheet.write_bytes(png.tobytes())
        print(f"\ncontact sheet: {args.sheet}")


if __name__ == "__main__":
    main()
