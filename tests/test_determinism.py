"""Same seed, same output, whatever the thread count.

Beat times, the FACT and Dance Revolution features and whole dances of both trained models are
computed in fresh processes with 1 and with 2 threads (environment and torch), each with an
empty feature cache, so neither run can read what the other computed; they must agree bit for
bit. Multi-threaded sums would move beat times by about 4e-9 s, Dance Revolution features by
6e-5 and a FACT dance's rotations by 1e-4 (measured on this excerpt's song).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import dancekit
from dancekit.audio import load
from dancekit.io import read_npz

SONG = "dev03_berlin_alexanders_ragtime_band.ogg"
MODELS = ("fact", "dance-tokens")

#: Run in a fresh interpreter: argv = threads, song, output folder, models.
WORKER = """
import json, sys
from pathlib import Path
import numpy as np, torch
threads, song, out, models = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4:]
torch.set_num_threads(threads)
from threadpoolctl import threadpool_info
from dancekit.audio import cached_features, track_beats
from dancekit.cli import app
for model in models:
    app(["dance", song, "-o", str(out / (model + ".npz")), "--model", model, "--seconds", "8"],
        standalone_mode=False)
np.savez(out / "audio.npz", beats=track_beats(song).beats, fact=cached_features(song, "fact"),
         dance_revolution=cached_features(song, "dance_revolution"))
pools = sorted({pool["num_threads"] for pool in threadpool_info()})
print(json.dumps({"torch": torch.get_num_threads(), "pools": pools}))
"""


def _run(threads: int, song: Path, out: Path) -> dict:
    out.mkdir()
    env = dict(os.environ, DANCEKIT_CACHE=str(out / "cache"),
               PYTHONPATH=os.pathsep.join([str(Path(dancekit.__file__).parents[1]),
                                           os.environ.get("PYTHONPATH", "")]))
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                 "NUMBA_NUM_THREADS"):
        env[name] = str(threads)
    command = [sys.executable, "-c", WORKER, str(threads), str(song), str(out), *MODELS]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_one_and_two_threads_give_identical_beats_features_and_dances(music_dir, tmp_path):
    audio = load(music_dir / SONG)
    song = tmp_path / "excerpt.wav"  # 12 s of real music: a quick run, room for 8 s of dance
    sf.write(song, audio.samples[:12 * audio.sr], audio.sr)
    one, two = tmp_path / "one", tmp_path / "two"
    # every pool ran with the threads it was given, and got them back after each stage
    assert _run(1, song, one) == {"torch": 1, "pools": [1]}
    assert _run(2, song, two) == {"torch": 2, "pools": [2]}

    with np.load(one / "audio.npz") as a, np.load(two / "audio.npz") as b:
        assert len(a["beats"]) > 10 and a["fact"].shape[1] == 35
        for name in ("beats", "fact", "dance_revolution"):
            np.testing.assert_array_equal(a[name], b[name], err_msg=name, strict=True)
    for model in MODELS:
        a, b = read_npz(one / f"{model}.npz"), read_npz(two / f"{model}.npz")
        assert a.num_frames == 240  # 8 s at 30 fps
        for name in ("positions", "rotations", "root"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name),
                                          err_msg=f"{model} {name}", strict=True)
