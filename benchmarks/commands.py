"""Whole ``dancekit`` commands, each timed as a fresh process (start-up and imports
included, as a user runs them), printed as a Markdown table.

    python benchmarks/commands.py [--runs 3] [--only help,dance-warm,...]

Inputs come from ``../shared/data``: a 60 s excerpt (30 s to 90 s) of the ballroom song
``DANCE_C_4/audio.mp3`` re-encoded as OGG/Vorbis, the whole 205 s song for ``--seconds 15``,
and 40 + 40 windows of 1200 frames of the ballroom captures (retargeted to SMPL-24, the
skeleton generated dances come in) for ``evaluate``. "cold" runs use an empty feature cache
(``DANCEKIT_CACHE``), as a new user's first run does; "warm" ones the cache of an earlier run.
Each command runs ``--runs`` times after one unmeasured warm-up (which fills the page cache
and, for warm rows, the feature cache); the table gives the median, min and max wall time and
the median CPU time of the process and its children (ffmpeg), which contention changes little.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SONG = DATA / "ballroom" / "DANCE_C_4" / "audio.mp3"
DANCEKIT = Path(sys.executable).with_name("dancekit")


@dataclass
class Job:
    name: str
    args: list[str]
    #: Empty the feature cache before every run (a first run on this music).
    fresh_cache: bool = False


def _excerpt(tmp: Path) -> Path:
    """The 60 s excerpt as OGG, cut by the ffmpeg binary dancekit uses."""
    from imageio_ffmpeg import get_ffmpeg_exe

    out = tmp / "song60.ogg"
    subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-ss", "30",
                    "-t", "60", "-i", str(SONG), "-c:a", "libvorbis", "-q:a", "4", str(out)],
                   check=True)
    return out


def _evaluation_sets(tmp: Path, count: int = 40, frames: int = 1200) -> tuple[Path, Path]:
    """``count`` generated and ``count`` real windows of ``frames`` frames, as NPZ folders."""
    from dancekit.io import load_motion, save_motion
    from dancekit.motion.mapping import retarget

    windows = []
    for seq in sorted(p for p in (DATA / "ballroom").iterdir() if p.is_dir()):
        m = retarget(load_motion(seq), "smpl24")
        windows += [(f"{seq.name}_{k}", m[k:k + frames])
                    for k in range(0, m.num_frames - frames, 100)]
        if len(windows) >= 2 * count:
            break
    folders = tmp / "generated", tmp / "real"
    for i, (name, m) in enumerate(windows[:2 * count]):
        folder = folders[i % 2]
        folder.mkdir(exist_ok=True)
        save_motion(m, folder / f"{name}.npz")
    return folders


def _jobs(tmp: Path) -> list[Job]:
    song60 = _excerpt(tmp)
    generated, real = _evaluation_sets(tmp)
    dance = tmp / "dance.npz"
    _run([str(DANCEKIT), "dance", str(song60), "-o", str(dance)],
         {**os.environ, "DANCEKIT_CACHE": str(tmp / "cache")})
    mp4 = str(tmp / "out.mp4")
    return [
        Job("dancekit --help", ["--help"]),
        Job("dance 60 s song -> MP4, cold cache", ["dance", str(song60), "-o", mp4],
            fresh_cache=True),
        Job("dance 60 s song -> MP4, warm cache", ["dance", str(song60), "-o", mp4]),
        Job("dance 60 s song -> NPZ, warm cache",
            ["dance", str(song60), "-o", str(tmp / "out.npz")]),
        Job("dance --seconds 15 of a 205 s song -> MP4, cold cache",
            ["dance", str(SONG), "--seconds", "15", "-o", mp4], fresh_cache=True),
        Job("evaluate 40 x 1200 frames, --bootstrap 0",
            ["evaluate", "--generated", str(generated), "--real", str(real),
             "--bootstrap", "0"]),
        Job("evaluate 40 x 1200 frames (1000 bootstrap)",
            ["evaluate", "--generated", str(generated), "--real", str(real)]),
        Job("render 60 s dance NPZ -> MP4 with audio",
            ["render", str(dance), "-o", mp4, "--audio", str(song60)]),
    ]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``cmd`` (its children included)."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - cpu


def _time(job: Job, tmp: Path, runs: int) -> list[tuple[float, float]]:
    cache = tmp / "cache"
    results = []
    for k in range(runs + 1):
        if job.fresh_cache:
            shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "DANCEKIT_CACHE": str(cache)}
        measured = _run([str(DANCEKIT), *job.args], env)
        if k:  # the first run is the warm-up
            results.append(measured)
    return results


def _row(job: Job, results: list[tuple[float, float]]) -> str:
    wall = [w for w, _ in results]
    cpu = statistics.median(c for _, c in results)
    return (f"| {job.name} | {len(results)} | {statistics.median(wall):.2f} | {min(wall):.2f} "
            f"| {max(wall):.2f} | {cpu:.2f} |")


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="measured runs per command")
    parser.add_argument("--only", default="", help="comma-separated words: run the commands "
                        "whose name contains one of them")
    args = parser.parse_args(argv)
    if not SONG.is_file():
        sys.exit(f"needs the real data: {SONG} not found")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        jobs = _jobs(tmp)
        words = [w for w in args.only.split(",") if w]
        jobs = [j for j in jobs if not words or any(w in j.name for w in words)]
        print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
              f"Python {platform.python_version()}; at start: {_load()}\n")
        print("| command | runs | median s | min s | max s | CPU s (median) |")
        print("|---|---:|---:|---:|---:|---:|")
        for job in jobs:
            print(_row(job, _time(job, tmp, args.runs)), flush=True)
        print(f"\nat end: {_load()}")


if __name__ == "__main__":
    main()
