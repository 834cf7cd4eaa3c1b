"""What running the order-sensitive stages on one thread costs, on a 60 s song.

Beat tracking, the FACT and Dance Revolution features and the dance models' ``generate`` run
inside :func:`dancekit.utils.single_threaded`, so their numbers do not depend on the thread
count. This times each stage as it runs now (one thread) against the same code free to use
``--threads`` threads (the function without its decorator), and says whether the two results
are bit-identical. Each cell is the fastest of ``--repeats`` alternating runs; the features
are computed directly (no disk cache), the models get them from a warm cache.

    python benchmarks/threads.py [--threads 2] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dancekit.audio import features  # noqa: E402
from dancekit.audio.beats import cues, network, track_spectrograms  # noqa: E402
from dancekit.audio.loading import as_audio  # noqa: E402
from dancekit.models import load_model  # noqa: E402
from generate import make_song  # noqa: E402


def free(function: Callable, threads: int) -> Callable:
    """``function`` without its single-thread decorator, run with ``threads`` threads."""
    def run(*args: object, **kwargs: object) -> object:
        torch.set_num_threads(threads)
        with threadpool_limits(limits=threads):
            return function.__wrapped__(*args, **kwargs)
    return run


def flat(result: object) -> np.ndarray:
    """A stage's output as one array, to compare bit for bit."""
    if hasattr(result, "positions"):  # a Motion
        return result.positions
    if hasattr(result, "beats"):  # a Beats
        return result.beats
    if isinstance(result, tuple):
        return np.concatenate([np.ravel(np.asarray(part, dtype=np.float64)) for part in result])
    return np.asarray(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DANCEKIT_CACHE"] = folder
        song, _ = make_song(Path(folder))
        y = as_audio(song, cues.SR).samples
        spec, chroma = cues.spectrograms(y)
        fact, tokens = load_model("fact"), load_model("dance-tokens")
        for model in (fact, tokens):
            model.generate(song)  # fills the feature cache: generation alone is timed below
        stages = [  # the network inside the decoding and beats inside FACT's features are
            # left out or on one thread in both columns, so each row times its own stage
            ("beat spectrograms", cues.spectrograms, (y,), {}),
            ("beat network", network.activation, (spec,), {}),
            ("beat decoding", track_spectrograms, (spec, chroma), {}),
            ("FACT features", features.fact_features, (song,), {"start_bpm": 120.0}),
            ("Dance Revolution features", features.dance_revolution_features, (song,), {}),
            ("FACT generate", type(fact).generate, (fact, song), {}),
            ("dance-tokens generate", type(tokens).generate, (tokens, song), {}),
        ]
        print(f"60 s song, torch {torch.__version__}; seconds, fastest of {args.repeats}\n")
        print(f"| stage | {args.threads} threads | 1 thread (now) | identical |")
        print("|---|---:|---:|---|")
        for name, function, inputs, options in stages:
            best = {"free": np.inf, "single": np.inf}
            out = {}
            for _ in range(args.repeats):
                for kind, run in (("free", free(function, args.threads)), ("single", function)):
                    start = time.perf_counter()
                    out[kind] = flat(run(*inputs, **options))
                    best[kind] = min(best[kind], time.perf_counter() - start)
            same = np.array_equal(out["free"], out["single"])
            print(f"| {name} | {best['free']:.2f} | {best['single']:.2f} | {same} |", flush=True)


if __name__ == "__main__":
    main()
