"""Speed of the main job: a 60 s song to a dance MP4 with a bundled model.

Splits the wall time of ``dancekit dance`` into its stages, each timed on its own:

* music features (FACT's 35-d at 30 fps and the beat clock, cold disk cache; the beat
  tracker included),
* generation alone (the autoregressive transformer, features already in memory; for
  dance tokens, drawing the codes and decoding them into motion),
* the beat warp onto the tracked beats and the easing on them (``dancekit dance``'s default;
  the beats come from the cache the features stage filled),
* rendering the MP4 with the music muxed in,

then times the command end to end in a fresh process (imports and model loading included).
Generation speed is reported as seconds of dance per wall second.

The song is two real 30 s excerpts of ``../shared/data/music`` joined into one 60 s file.

    python benchmarks/generate.py [--model dance-tokens|fact] [--checkpoint RUN/model.safetensors]
        [--repeats 3]

For FACT it also tabulates the frames kept per generation window against speed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

MUSIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "music"


def make_song(folder: Path, seconds: float = 60.0) -> tuple[Path, np.ndarray]:
    """Join real excerpts into one ``seconds``-long WAV; also return its exact beat times
    (the excerpts' ground truth, shifted by where each excerpt starts)."""
    parts, beats, sr = [], [], None
    for f in sorted(MUSIC.glob("*.ogg")):
        y, sr_f = sf.read(f, dtype="float32", always_2d=True)
        if sr is None:
            sr = sr_f
        if sr_f == sr:
            start = sum(len(p) for p in parts) / sr
            beats.append(np.loadtxt(f.with_name(f.stem + ".beats.txt"), ndmin=1) + start)
            parts.append(y.mean(1))
        if sum(len(p) for p in parts) >= seconds * sr:
            break
    song = np.concatenate(parts)[:int(seconds * sr)]
    path = folder / "song60.wav"
    sf.write(path, song, sr)
    beats = np.concatenate(beats)
    return path, beats[beats < seconds]


def timed(fn, repeats: int) -> tuple[float, object]:
    """Median wall time of ``repeats`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="dance-tokens", choices=["dance-tokens", "fact"],
                        help="which model's bundled weights (or --checkpoint) to time")
    parser.add_argument("--checkpoint", type=Path, default=None,
                        help="checkpoint of that model (default: the bundled weights)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per stage (median)")
    args = parser.parse_args()
    if not MUSIC.is_dir():
        sys.exit(f"real music not found at {MUSIC}")

    from dancekit.models import load_model
    from dancekit.render import render

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        song, beats = make_song(tmp)
        model = (load_model(args.model) if args.checkpoint is None
                 else load_model(args.model, checkpoint=args.checkpoint))
        fps = int(model.config.fps)
        cache = tmp / "cache"
        os.environ["DANCEKIT_CACHE"] = str(cache)  # this process and the command below

        def clear_cache() -> None:
            for stale in cache.glob("*"):
                stale.unlink()

        def cold_features() -> np.ndarray:  # the 35-d features and the beat clock, uncached
            clear_cache()
            return model.music_features(song)

        t_feat, feats = timed(cold_features, args.repeats)
        frames = len(feats)
        steps: dict = {}
        if args.model == "fact":
            t_gen, motion, steps, chosen = time_fact(model, feats, args.repeats)
        else:
            rows = model.code_music(feats, frames)

            def draw():
                codes = model.generate_codes(rows, None, torch.Generator().manual_seed(0))
                return model.tokenizer.to_motion(codes)[:frames]

            draw()  # warm-up
            t_gen, motion = timed(draw, args.repeats)
        from dancekit.audio import cached_features
        from dancekit.motion import time_to_beats

        # as `dancekit dance` does: the beats the clock tracked, read back from the cache
        t_warp, _ = timed(lambda: time_to_beats(motion, cached_features(song, "beats")),
                          args.repeats)
        t_render, _ = timed(lambda: render(motion, tmp / "dance.mp4", audio=song,
                                           progress=False), args.repeats)
        cmd = [sys.executable, "-c", "from dancekit.cli import main; main()", "dance",
               str(song), "-o", str(tmp / "cli.mp4"), "--model", args.model]
        if args.checkpoint is not None:
            cmd += ["--checkpoint", str(args.checkpoint)]
        clear_cache()  # the command below starts from a cold cache
        env = dict(os.environ)
        t_cli, _ = timed(lambda: subprocess.run(cmd, check=True, env=env,
                                                capture_output=True), 1)

    seconds = frames / fps
    print(f"song: {seconds:.1f} s, {frames} frames at {fps} fps; model {args.model}: "
          f"{sum(p.numel() for p in model.parameters()) / 1e6:.2f}M parameters")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print()
    print("| stage | wall time (s) | dance s per wall s |")
    print("|---|---:|---:|")
    print(f"| music features (cold cache) | {t_feat:.2f} | |")
    print(f"| generation alone | {t_gen:.2f} | {seconds / t_gen:.0f}x |")
    print(f"| beat warp and easing (beats from the cache) | {t_warp:.2f} | |")
    print(f"| render MP4 with music | {t_render:.2f} | |")
    print(f"| sum of stages | {t_feat + t_gen + t_warp + t_render:.2f} | |")
    print(f"| `dancekit dance song.wav -o dance.mp4 --model {args.model}` (fresh process) "
          f"| {t_cli:.2f} | |")
    if not steps:
        return
    print()
    print("Frames kept per generation window (`generate_step`): speed against liveliness.")
    print("Joint speed, jitter and BAS (corrected protocol, against the excerpts' exact beats)")
    print("are over the part after the 2 s seed.")
    print()
    print("| generate_step | generation (s) | dance s per wall s "
          "| mean joint speed (m/s) | jitter | BAS |")
    print("|---:|---:|---:|---:|---:|---:|")
    from dancekit.metrics import beat_align_score, jitter

    tail_beats = beats[beats >= 2.0] - 2.0
    for step, (t, m) in steps.items():
        tail = m[2 * fps:]
        speed = np.linalg.norm(np.diff(tail.positions, axis=0), axis=-1).mean() * fps
        mark = " (bundled)" if step == chosen else ""
        print(f"| {step}{mark} | {t:.2f} | {seconds / t:.0f}x | {speed:.3f} | "
              f"{jitter(tail):.1f} | {beat_align_score(tail, tail_beats):.3f} |")


def time_fact(model, feats: np.ndarray, repeats: int):
    """FACT's generation alone, and at other frames kept per window (speed against
    liveliness): (seconds, motion, {step: (seconds, motion)}, bundled setting)."""
    from dancekit.models.representation import features_to_motion

    fps = int(model.config.fps)
    audio = torch.from_numpy(np.asarray(feats, np.float32))[None]
    frames = audio.shape[1]
    seed = model.seeds[:1]
    model.generate_features(audio[:, :200], 200, seed)  # warm-up
    t_gen, out = timed(lambda: model.generate_features(audio, frames, seed), repeats)
    motion = features_to_motion(out[0], fps)
    steps = {}
    c = model.config
    chosen = c.generate_step
    for step in sorted({1, 2, 5, 10, 20, chosen}):
        if step > c.future_frames:
            continue
        c.generate_step = step
        t, res = timed(lambda: model.generate_features(audio, frames, seed), 1)
        steps[step] = (t, features_to_motion(res[0], fps))
    c.generate_step = chosen
    return t_gen, motion, steps, chosen


if __name__ == "__main__":
    main()
