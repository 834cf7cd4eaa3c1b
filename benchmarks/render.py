"""Rendering speed: frames per second at 512x512 on a 60 s motion, drawing only and end to
end (drawing + H.264 / GIF encoding, audio muxed in), with the default sticks and the body
look, printed as a table.

    python benchmarks/render.py [--seconds 60] [--size 512]

The motion is 60 s of the real ballroom capture ``DANCE_C_2`` (25 fps, 1500 frames) when
``../shared/data`` is present, otherwise a synthetic SMPL motion at 30 fps. Wall-clock
frames per second depend on what else the machine runs: each job runs ``--repeat`` times and
the fastest run is reported (the least disturbed one), and the table also gives the CPU time
per frame (this process plus ffmpeg, median over runs), which contention barely changes: on an
idle machine with C cores, end-to-end throughput is bounded by about C * 1000 / cpu_ms.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from dancekit import Motion
from dancekit.render import SkeletonRenderer, render, render_frames

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _motion(seconds: float) -> tuple[Motion, Path | None, str]:
    seq = DATA / "ballroom" / "DANCE_C_2"
    if seq.is_dir():
        from dancekit.io.ballroom import load_ballroom

        m = load_ballroom(seq)
        n = min(m.num_frames, round(seconds * m.fps))
        audio = seq / "audio.mp3"
        return m[:n], audio if audio.is_file() else None, f"ballroom DANCE_C_2 [:{n}]"
    fps = 30.0
    t = np.arange(round(seconds * fps)) / fps
    rot = np.zeros((len(t), 24, 3))
    rot[:, 0, 1] = 0.7 * t
    for j, (amp, w) in {16: (-1.0, 2.1), 17: (1.0, 1.9), 18: (0.8, 3.0), 19: (-0.8, 2.7),
                        1: (-0.5, 2.0), 2: (-0.5, 2.2), 4: (0.9, 2.0), 5: (0.9, 2.2)}.items():
        rot[:, j, 2 if j > 15 else 0] = amp * np.sin(w * t)
    root = np.stack([np.sin(0.3 * t), np.full_like(t, 0.95), np.cos(0.2 * t)], axis=1)
    return Motion.from_rotations(rot, root, fps=fps), None, "synthetic smpl24"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _measure(job) -> tuple[float, float]:
    c0, t0 = _cpu(), time.perf_counter()
    job()
    return time.perf_counter() - t0, _cpu() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    motion, audio, name = _motion(args.seconds)
    n = motion.num_frames
    print(f"motion: {name}, {n} frames @ {motion.fps:g} fps; size {args.size}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        jobs = [
            ("draw only (render_frames)", n,
             lambda: sum(1 for _ in render_frames(motion, size=args.size))),
            ("draw only, --look body", n,
             lambda: sum(1 for _ in SkeletonRenderer(motion, size=args.size, look="body"))),
            ("MP4 end to end, no audio", n,
             lambda: render(motion, out / "a.mp4", size=args.size, progress=False)),
            ("MP4 end to end, --look body", n,
             lambda: render(motion, out / "e.mp4", size=args.size, progress=False,
                            look="body")),
        ]
        if audio is not None:
            jobs.append(("MP4 end to end, with audio", n,
                         lambda: render(motion, out / "b.mp4", size=args.size, audio=audio,
                                        progress=False)))
        jobs += [
            ("MP4, 2 panels side by side", n,
             lambda: render([motion, motion], out / "c.mp4", size=args.size,
                            titles=["a", "b"], progress=False)),
            ("GIF end to end (25 fps)", round(motion.duration * min(25.0, motion.fps)),
             lambda: render(motion, out / "d.gif", size=args.size, progress=False)),
        ]
        for label, frames, job in jobs:
            runs = [_measure(job) for _ in range(args.repeat)]
            wall = min(w for w, _ in runs)
            cpu = float(np.median([c for _, c in runs]))
            files = list(out.iterdir())
            size_mb = files[0].stat().st_size / 1e6 if files else 0.0
            rows.append((label, frames, wall, frames / wall, 1000 * cpu / frames, size_mb))
            for f in files:
                f.unlink()
    print(f"\nbest of {args.repeat} runs; load average {os.getloadavg()[0]:.2f} at the end")
    print(f"\n| {'job':<28} | frames | wall s | frames/s | CPU ms/frame | file MB |")
    print(f"|{'-' * 30}|-------:|-------:|---------:|-------------:|--------:|")
    for label, frames, wall, fps, cpu_ms, mb in rows:
        print(f"| {label:<28} | {frames:6d} | {wall:6.2f} | {fps:8.0f} | {cpu_ms:12.2f} | "
              f"{mb:7.2f} |")


if __name__ == "__main__":
    main()
